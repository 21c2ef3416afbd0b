/**
 * E-mail delivery over SMTP (nodemailer): one transport per worker process, opened on the first
 * e-mail alert, from `SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when offered;
 * `smtps://…` for TLS from the start).
 */
import nodemailer, { type Transporter } from 'nodemailer';

/** E-mail alerts cannot be sent with this configuration (retrying will not help). */
export class MailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Extra headers (e.g. `X-Policy-Alert-Id`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Mailer {
  /** Sends one message. @returns the server's answer (`250 …`). @throws on refusal or timeout. */
  send(message: MailMessage): Promise<string>;
  close(): void;
}

/** Opens a mailer on `smtpUrl`, sending as `from`. @throws MailConfigError when `smtpUrl` is null. */
export function createMailer(smtpUrl: string | null, from: string, timeoutMs: number): Mailer {
  if (smtpUrl === null) throw new MailConfigError('SMTP_URL is not set; set it (e.g. smtp://user:pass@mail.example.com:587) and run `policy-tracker alerts retry --all`');
  const transport: Transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as unknown as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(m) {
      const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, headers: { ...m.headers } });
      return String(info.response ?? 'accepted');
    },
    close: () => transport.close(),
  };
}
