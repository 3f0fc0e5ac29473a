import { z } from 'zod';

/*
 * Zod pieces the pages' route schemas share (issue 10: "route schemas (zod through a type provider)
 * for every body, query and params"). Queries and forms are loose objects: an unknown parameter
 * (an old link, a browser's extra field) is let through untouched, as Fastify's JSON Schemas did.
 * A page's input that fails its schema gets the app's 400 page in the visitor's language
 * (app.ts, pages/bad-request-page.ts); an API's gets the JSON error.
 */

/** `?lang=`: ja or en. Anything else is ignored by the negotiation (request-lang.ts), so it is not refused here. */
export const langParam = z.string().max(8).optional().describe('ja or en; otherwise the stored choice or Accept-Language decides');

/** A page's query when it reads nothing but the language. */
export const langQuery = z.looseObject({ lang: langParam });

/** A console record's id in the path (cases, escalations, manual recoveries). */
export const idParams = z.object({ id: z.string().min(1).max(64).describe('the record id') });

/** The hidden `_csrf` field every console and identity form carries (pages/identity/csrf.ts). */
export const csrfField = z.string().max(200).optional().describe("the form's CSRF token");

/** A form body (application/x-www-form-urlencoded) with its CSRF field and the given fields. */
export const formBody = <S extends z.ZodRawShape>(shape: S) => z.looseObject({ _csrf: csrfField, ...shape });

/** An optional whole number in a query (`?page=2`); an empty value (a form sent with nothing chosen) counts as absent. */
export const queryInt = (min: number, max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).optional());

/** A checkbox list: one value, several (a repeated field), or none. */
export const checkboxes = (maxItems: number, maxLength: number) =>
  z.union([z.string().max(maxLength), z.array(z.string().max(maxLength)).max(maxItems)]).optional();

/** A button's form: only its CSRF field (and a forged post may send no body at all, which the CSRF check then refuses). */
export const buttonForm = formBody({}).optional();
