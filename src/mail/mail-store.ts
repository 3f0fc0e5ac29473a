import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';

export interface CaughtMessage {
  id: string;
  messageId: string | null;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
}

export type NewCaughtMessage = Omit<CaughtMessage, 'id'>;

/** Most rows any listing returns. */
export const MAIL_LIST_LIMIT = 200;

/**
 * Stores a caught message once per Message-ID: a re-delivery (a mail job retried after a crash
 * between SMTP "250 OK" and marking the job done) is a no-op. Messages without a Message-ID are
 * always stored (NULLs never collide in a unique index on either database).
 */
export async function storeCaughtMessage(db: Kysely<Database>, msg: NewCaughtMessage): Promise<'stored' | 'duplicate'> {
  const result = await db
    .insertInto('mail_messages')
    .values({
      id: randomUUID(),
      message_id: msg.messageId,
      to_addr: msg.to,
      from_addr: msg.from,
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      received_at: msg.receivedAt,
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? 'stored' : 'duplicate';
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Newest first, at most MAIL_LIST_LIMIT. `to` matches one recipient case-insensitively; a message
 * to several recipients stores them as "a@x, b@y", so the match also looks inside that list.
 */
export async function listCaughtMessages(db: Kysely<Database>, filter: { to?: string } = {}): Promise<CaughtMessage[]> {
  let q = db.selectFrom('mail_messages').selectAll();
  if (filter.to !== undefined) {
    const to = filter.to.toLowerCase();
    const e = escapeLike(to);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(to_addr)`, '=', to),
        sql<boolean>`lower(to_addr) like ${`${e}, %`} escape '\\'`,
        sql<boolean>`lower(to_addr) like ${`%, ${e}`} escape '\\'`,
        sql<boolean>`lower(to_addr) like ${`%, ${e}, %`} escape '\\'`,
      ]),
    );
  }
  const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(MAIL_LIST_LIMIT).execute();
  return rows.map(toCaught);
}

export async function getCaughtMessage(db: Kysely<Database>, id: string): Promise<CaughtMessage | null> {
  const row = await db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCaught(row) : null;
}

function toCaught(row: Database['mail_messages']): CaughtMessage {
  return {
    id: row.id,
    messageId: row.message_id,
    to: row.to_addr,
    from: row.from_addr,
    subject: row.subject,
    text: row.text,
    html: row.html,
    receivedAt: row.received_at,
  };
}
