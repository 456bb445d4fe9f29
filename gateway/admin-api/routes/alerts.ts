/** The compliance alert operations: list, and review-and-close. */
import type { AlertsPort } from '../ports';
import type { Handler } from '../typed';

/** GET /alerts. */
export function listAlertsHandler(alerts: AlertsPort): Handler<'listAlerts'> {
  return async ({ query }) => {
    const items = await alerts.list({ ...(query.status ? { status: query.status } : {}), ...(query.kind ? { kind: query.kind } : {}), limit: query.limit ?? 50 });
    return { body: { items }, audit: { target: null, details: { filter: { status: query.status, kind: query.kind }, count: items.length } } };
  };
}

/** POST /alerts/{alertId}/close: the note is audited as its hash (it is archived with the review). */
export function closeAlertHandler(alerts: AlertsPort): Handler<'closeAlert'> {
  return async ({ actor, path, body }) => {
    const { result, audit } = await alerts.close(path.alertId, body, actor);
    return { body: result, audit };
  };
}
