/**
 * `policy-tracker users add <name> --role admin|viewer [--password-stdin] [--replace]`,
 * `users token <name>`, `users list`, `users remove <name>`: accounts of the review pages and API.
 */
import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline';
import { addUser, issueToken, listUsers, removeUser, type Role } from '../db/users.repository.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]!;
}

/** Asks on the terminal without echoing what is typed. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const rlw = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(question);
    rlw._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function password(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY) throw new Error('no terminal to ask for the password: pipe it in with --password-stdin');
  const a = await prompt('password: ');
  const b = await prompt('again: ');
  if (a !== b) throw new Error('the two passwords differ; nothing was changed');
  return a;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('accounts of the review pages and API (admin or viewer)');
  users
    .command('add')
    .description('add a user (asks for the password, or reads its first line from stdin with --password-stdin)')
    .argument('<name>')
    .addOption(new Option('--role <role>', 'admin or viewer').choices(['admin', 'viewer']).makeOptionMandatory())
    .option('--password-stdin', 'read the password from stdin')
    .option('--replace', 'set a new password and role if the user exists')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (name: string, opts: { role: Role; passwordStdin?: boolean; replace?: boolean; dataDir?: string }) => {
      const pw = await password(opts.passwordStdin === true);
      await withDatabase(opts, async (db) => {
        const u = await addUser(db, { name, role: opts.role, password: pw, replace: opts.replace === true });
        process.stdout.write(`user ${u.name} (${u.role}) saved\n`);
      });
    });
  users
    .command('token')
    .description('issue the user\'s API token (replaces the previous one); printed once, use as Authorization: Bearer <token>')
    .argument('<name>')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (name: string, opts: { dataDir?: string }) => {
      await withDatabase(opts, async (db) => {
        process.stdout.write(`${await issueToken(db, name)}\n`);
      });
    });
  users
    .command('list')
    .description('the users and their roles')
    .option('--json', 'as JSON')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { json?: boolean; dataDir?: string }) => {
      await withDatabase(opts, async (db) => {
        const list = await listUsers(db);
        process.stdout.write(opts.json ? `${JSON.stringify({ users: list }, null, 2)}\n` : list.map((u) => `${u.name}\t${u.role}\t${u.hasToken ? 'token' : '-'}\t${u.createdAt.slice(0, 10)}\n`).join(''));
      });
    });
  users
    .command('remove')
    .description('remove a user with their sessions and token')
    .argument('<name>')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (name: string, opts: { dataDir?: string }) => {
      await withDatabase(opts, async (db) => {
        if (!(await removeUser(db, name))) throw new Error(`no user "${name}"`);
        process.stdout.write(`user ${name} removed\n`);
      });
    });
}
