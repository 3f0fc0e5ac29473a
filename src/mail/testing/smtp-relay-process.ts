/**
 * A stand-in for a real SMTP relay, run as its OWN process by the relay tests (so nodemailer talks
 * to a real server over real sockets, STARTTLS and all, not to an in-process stub).
 *
 * argv[2] is JSON { key, cert, user, pass }. Listens on loopback:
 *   starttls — plain, offers STARTTLS, AUTH PLAIN/LOGIN only after the upgrade;
 *   implicit — TLS from the first byte, AUTH LOGIN only;
 *   plain    — no TLS at all (to prove `starttls=required` refuses it).
 * Recipients `tempfail@…` get 451, `reject@…` get 550. Writes one JSON line per event to stdout:
 * {event:'ready', ports} once, then {event:'message', …} per accepted message.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

interface RelayConfig {
  key: string;
  cert: string;
  user: string;
  pass: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as RelayConfig;

function emit(event: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function replyError(responseCode: number, message: string) {
  return Object.assign(new Error(message), { responseCode });
}

function makeServer(name: string, extra: SMTPServerOptions): SMTPServer {
  const authMethodBySession = new Map<string, string>();
  return new SMTPServer({
    name: `relay-${name}`,
    key: config.key,
    cert: config.cert,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, session, cb) {
      if (auth.username === config.user && auth.password === config.pass) {
        authMethodBySession.set(session.id, auth.method);
        return cb(null, { user: auth.username });
      }
      cb(replyError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('tempfail@')) return cb(replyError(451, '4.3.2 Try again later'));
      if (address.address.startsWith('reject@')) return cb(replyError(550, '5.1.1 Mailbox unavailable'));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (parsed) => {
          emit({
            event: 'message',
            server: name,
            secure: session.secure,
            user: session.user ?? null,
            authMethod: authMethodBySession.get(session.id) ?? null,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: parsed.messageId ?? null,
            subject: parsed.subject ?? null,
            from: parsed.from?.text ?? null,
            to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? null),
            text: parsed.text ?? null,
            html: typeof parsed.html === 'string' ? parsed.html : null,
          });
          cb();
        },
        (err: Error) => cb(err),
      );
    },
    ...extra,
  });
}

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
}

const servers = {
  starttls: makeServer('starttls', { secure: false, authMethods: ['PLAIN', 'LOGIN'] }),
  implicit: makeServer('implicit', { secure: true, authMethods: ['LOGIN'] }),
  plain: makeServer('plain', { secure: false, disabledCommands: ['STARTTLS'], authOptional: true }),
};
for (const s of Object.values(servers)) s.on('error', () => undefined);

const ports = {
  starttls: await listen(servers.starttls),
  implicit: await listen(servers.implicit),
  plain: await listen(servers.plain),
};
emit({ event: 'ready', ports });
// The test ends us with SIGTERM; also stop if the parent goes away.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
