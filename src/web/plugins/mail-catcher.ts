import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { langQuery } from '../route-schemas';
import type { FastifyPluginAsync } from 'fastify';
import { getCaughtMessage, listCaughtMessages } from '../../mail/mail-store';
import { MISDIRECTED_REQUEST, isLocalHostHeader } from '../../security/host-header';
import type { Store } from '../../store/connect';
import { inboxPage, messageNotFoundPage, messagePage } from '../pages/mail/inbox-pages';

export interface MailCatcherPluginDeps {
  store: Pick<Store, 'db'>;
  /** Host names besides loopback ones the inbox answers (the public URL's); others get 421 (DNS rebinding). */
  allowedHosts?: readonly string[];
  /** The business time zone (AIZUCHI_TIMEZONE) arrival times are shown in; default Asia/Tokyo. */
  timeZone?: string;
}

/** The inbox's pages fall back to English (a developer's tool) when neither ?lang nor the browser names a language. */
const INBOX_PAGE = {
  config: { langFallback: 'en' as const },
  schema: { summary: 'The caught mail as HTML pages (development)', querystring: langQuery },
};
const MESSAGE_PAGE = { ...INBOX_PAGE, schema: { ...INBOX_PAGE.schema, params: z.object({ id: z.string().max(200) }) } };

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const MAX_ADDRESS_LENGTH = 320;

/**
 * The catcher's inbox for people and tests: only registered when mail goes to the built-in
 * catcher (a dev/demo install), never in front of a real relay.
 */
export function mailCatcherPlugin(deps: MailCatcherPluginDeps): FastifyPluginAsync {
  return async (app) => {
    // Encapsulated: only this plugin's routes. The inbox holds codes and links, so a rebinding page
    // (Host: its own name, resolved to 127.0.0.1) must not read it.
    app.addHook('onRequest', async (req, reply) => {
      if (!isLocalHostHeader(req.headers.host, deps.allowedHosts)) {
        return reply.code(MISDIRECTED_REQUEST).type('text/plain; charset=utf-8').send('Misdirected request\n');
      }
    });

    const api = zodRoutes(app);
    api.get(
      '/api/v1/dev/mail',
      {
        schema: {
          summary: 'Caught mail, newest first (only while the built-in catcher is in use)',
          querystring: z.object({ to: z.string().optional().describe('one email address') }),
        },
        // The handler answers a bad address itself, with the field named, as before.
        attachValidation: true,
      },
      async (req, reply) => {
        const q = (req.query ?? {}) as Record<string, unknown>;
        let to: string | undefined;
        if (q.to !== undefined) {
          const value = typeof q.to === 'string' ? q.to.trim() : '';
          if (!value || value.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(value)) {
            return reply.code(400).send({ error: 'invalid_request', message: 'to must be one email address', field: 'to' });
          }
          to = value;
        }
        const messages = await listCaughtMessages(deps.store.db, to === undefined ? {} : { to });
        return messages.map((m) => ({
          id: m.id,
          to: m.to,
          from: m.from,
          subject: m.subject,
          text: m.text,
          receivedAt: m.receivedAt,
        }));
      },
    );

    app.get('/dev/mail', INBOX_PAGE, async (req, reply) => {
      const messages = await listCaughtMessages(deps.store.db);
      return reply.type('text/html; charset=utf-8').send(inboxPage(messages, req.lang, deps.timeZone));
    });

    app.get('/dev/mail/:id', MESSAGE_PAGE, async (req, reply) => {
      const { id } = req.params as { id: string };
      const lang = req.lang;
      const message = id.length <= 100 ? await getCaughtMessage(deps.store.db, id) : null;
      if (!message) return reply.code(404).type('text/html; charset=utf-8').send(messageNotFoundPage(lang));
      return reply.type('text/html; charset=utf-8').send(messagePage(message, lang, deps.timeZone));
    });
  };
}
