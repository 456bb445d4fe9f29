/** The PIPL rights operations: the access file (an attachment), restricting processing and lifting the restriction. */
import type { RightsPort } from '../ports';
import type { Handler } from '../typed';

/** POST /rights/access: the file is built, hashed and its rights.access record archived before it is sent. */
export function answerAccessRequestHandler(rights: RightsPort): Handler<'answerAccessRequest'> {
  return async ({ actor, body }) => {
    const file = await rights.access(body.person, { omitMediaBytes: body.omitMediaBytes ?? false }, actor);
    return {
      download: { filename: `pipl-access-${file.recordId}.json`, contentType: 'application/json', chunks: file.chunks, size: file.size, headers: { 'x-cgw-record-id': file.recordId } },
      audit: file.audit,
    };
  };
}

/** POST /rights/restrict and /rights/lift (the same request and answer). */
export function processingRequestHandler(rights: RightsPort, action: 'restrict' | 'lift'): Handler<'restrictProcessing'> & Handler<'liftRestriction'> {
  return async ({ actor, body }) => {
    const { result, audit } = await rights.processing(action, body, actor);
    return { body: result, audit };
  };
}
