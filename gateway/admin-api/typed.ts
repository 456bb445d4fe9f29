/**
 * Handler types derived from the generated OpenAPI types, so a handler's
 * parameters, body and answer cannot drift from the spec.
 */
import type { operations } from './generated/openapi';
import type { Actor } from '../auth/actor';

/** An operationId of the spec. */
export type OperationId = keyof operations;

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body an operation takes (undefined when optional and absent, or when it takes none). */
export type RequestBodyOf<K extends OperationId> = operations[K] extends { requestBody: infer R }
  ? JsonOf<R>
  : operations[K] extends { requestBody?: infer R }
    ? JsonOf<NonNullable<R>> | undefined
    : undefined;

/** The path parameters of an operation. */
export type PathOf<K extends OperationId> = operations[K]['parameters'] extends { path: infer P } ? P : Record<string, never>;

/** The query parameters of an operation (defaults already applied by validation). */
export type QueryOf<K extends OperationId> = operations[K]['parameters'] extends { query?: infer Q } ? (Q extends undefined ? Record<string, never> : NonNullable<Q>) : Record<string, never>;

/** The 200 answer of an operation. */
export type OkOf<K extends OperationId> = operations[K]['responses'] extends { 200: infer R } ? JsonOf<R> : never;

/** What a handler is given: an authenticated, authorised caller and validated input. */
export interface HandlerRequest<K extends OperationId> {
  actor: Actor;
  path: PathOf<K>;
  query: QueryOf<K>;
  body: RequestBodyOf<K>;
}

/** What the audit event of this call should add to the defaults (target = the messageId path parameter). */
export interface AuditNote {
  target?: string | null;
  contentHash?: string | null;
  details?: Record<string, unknown>;
}

/**
 * A file handed out as an attachment (the PIPL access file): the exact bytes,
 * already hashed and archived by the handler, sent as they are.
 */
export interface Download {
  filename: string;
  contentType: 'application/json';
  /** The file, in pieces (a large file is never joined into one buffer). */
  chunks: readonly Buffer[];
  size: number;
  /** Extra response headers (x-cgw-record-id). */
  headers?: Record<string, string>;
}

/** What a handler answers: the 200 body (or a file), and what its audit event should say. */
export type HandlerResult<K extends OperationId> = { body: OkOf<K>; audit?: AuditNote } | { download: Download; audit?: AuditNote };

/** A handler of operation K. @throws AdminError */
export type Handler<K extends OperationId> = (request: HandlerRequest<K>) => Promise<HandlerResult<K>>;

/** One handler per operation of the spec: the compiler insists on all of them. */
export type Handlers = { [K in OperationId]: Handler<K> };
