/** `policy-tracker segment` as a user runs it: the JSON contract and one-line errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliInBash } from './run-cli.ts';

const SEEDS = join(import.meta.dirname, '..', '..', 'seeds');

describe('segment on the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pt-segment-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the JSON contract for the bulletin', async () => {
    const r = await runCli(['segment', join(SEEDS, '002_82c496b701662624.txt'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { documents: Record<string, unknown>[] };
    expect(out.documents).toHaveLength(8);
    const first = out.documents[0]!;
    expect(Object.keys(first).slice(0, 8)).toEqual(['title', 'docNumber', 'issuers', 'signedOn', 'kind', 'provisions', 'validity', 'measures']);
    expect(first).toMatchObject({
      title: '关于加强政府投资基金布局规划和投向指导的工作办法(试行)',
      docNumber: '发改财金规〔2025〕1752号',
      issuers: ['国家发展改革委', '财政部', '科技部', '工业和信息化部'],
      signedOn: '2025-12-31',
      kind: 'policy',
      validity: { effective: '2025-12-31', expires: '2030-12-30', repeals: [] },
    });
    expect((first.provisions as { path: string; label: string; level: string; text: string }[])[0]).toMatchObject({
      path: '第一条',
      label: '第一条',
      level: 'article',
    });
    expect(((first.provisions as { text: string }[])[0]!.text)).toMatch(/^为加强政府投资基金布局规划和投向指导/);
  });

  it('stops quietly when the reader closes the pipe early (| head), with no stack trace', async () => {
    // 刑法 as JSON is about 650 kB, far more than a pipe holds: the writes after `head` has gone fail.
    const law = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real', 'xingfa', 'new.md');
    const r = await runCliInBash(`set -o pipefail; $PT segment '${law}' --json | head -c 200`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\{/);
  });

  it('prints a readable outline without --json', async () => {
    const r = await runCli(['segment', join(SEEDS, '004_817478271669fba5.txt')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[1] 政策  关于金融支持新型工业化的指导意见');
    expect(r.stdout).toContain('成文日期 2025-07-29');
    expect(r.stdout).toMatch(/\n\s+\(十八\)\s+建立健全风险协同防控机制/);
  });

  it('gives one line on stderr and a non-zero exit for bad input', async () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const binary = join(dir, 'scan.pdf');
    writeFileSync(binary, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 0)]));
    const big = join(dir, 'big.txt');
    writeFileSync(big, '第一条 测试。\n'.repeat(2000));
    const cases: [string[], RegExp][] = [
      [['segment', join(dir, 'missing.txt')], /missing\.txt: no such file/],
      [['segment', empty], /empty\.txt is empty/],
      [['segment', binary], /scan\.pdf: .*PDF/],
      [['segment', big, '--max-size', '1000'], /big\.txt is .* over the .* limit/],
      [['segment', dir], /is a directory/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^policy-tracker: /);
      expect(lines[0]).toMatch(message);
    }
  });

  it('reads a pipe given as a path (`<(curl …)`, /dev/stdin), with the same limits', async () => {
    const seed = join(SEEDS, '004_817478271669fba5.txt');
    const empty = join(dir, 'nothing.txt');
    writeFileSync(empty, '');
    // bash's process substitution hands the command a path like /dev/fd/63: a pipe, whose size
    // is 0 until it is read.
    const viaPipe = (file: string, options = '') => runCliInBash(`$PT segment <(cat "$FILE") ${options}`, { FILE: file });
    const r = await viaPipe(seed);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[1] 政策  关于金融支持新型工业化的指导意见');
    const none = await viaPipe(empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^policy-tracker: \/dev\/fd\/\d+ is empty\n$/);
    const big = await viaPipe(seed, '--max-size 1000');
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/\/dev\/fd\/\d+ is over the 1000 B limit/);
  });

  it('exits 2 on a usage error', async () => {
    const r = await runCli(['segment']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
  });
});
