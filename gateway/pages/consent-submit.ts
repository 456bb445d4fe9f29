/**
 * POST /p/:account/consent: origin (CSRF) → page session → form shape → the
 * one-time form token (this session's, unused, unexpired) → the notices shown
 * are still the current ones → record every answered purpose in the ledger
 * (the ledger records a person's unchanged choice too: a confirmation) →
 * audit → confirmation page. A refusal at any step records nothing.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { ConsentLanguage } from '../consent/config';
import type { ConsentAction, ConsentChange, ConsentNotice, LedgerPurpose, PersonConsent, PersonRef } from '../consent/ports';
import { sendPage } from './html';
import { explicitLanguage } from './language';
import type { PageAccount, PageDeps } from './page-deps';
import { PageError } from './page-errors';
import { checkOrigin, pagePath, publicParts, readForm, requireSession } from './page-request';
import { languageSwitch, personOf, type FormTokenData } from './consent-page';
import { choiceField, confirmation } from './render-consent';
import { textFor } from './text';

const TOKEN = /^[A-Za-z0-9]{1,128}$/;

/** A validated submission, before the token is spent. */
export interface ConsentSubmission {
  person: PersonRef;
  sessionId: string;
  formToken: string;
  language: ConsentLanguage;
  choices: Map<LedgerPurpose, ConsentAction>;
}

/** What a recorded submission did. */
export interface SubmittedConsent {
  evidenceRecordId: string;
  duplicate: boolean;
  changed: Set<LedgerPurpose>;
  after: PersonConsent;
  notices: ConsentNotice[];
}

/** The purposes whose derived state `choices` change. */
export function changedPurposes(before: PersonConsent, choices: ReadonlyMap<LedgerPurpose, ConsentAction>): Set<LedgerPurpose> {
  const changed = new Set<LedgerPurpose>();
  for (const [purpose, action] of choices) {
    const state = before.purposes[purpose]?.state ?? 'missing';
    if (action === 'grant' ? state !== 'granted' : state !== 'withdrawn') changed.add(purpose);
  }
  return changed;
}

/**
 * Read and check the form (nothing spent yet): only `token`, `lang` and one
 * `choice.<purpose>` per offered notice, each `grant` or `withdraw`. Any other
 * field (an openid, a customer id, a purpose not offered) is a forgery.
 * @throws PageError request.malformed, form.no_choice
 */
export function parseConsentForm(fields: Map<string, string>, offered: readonly ConsentNotice[]): { formToken: string; language: ConsentLanguage; choices: Map<LedgerPurpose, ConsentAction> } {
  const byField = new Map(offered.map((n) => [choiceField(n.purpose), n.purpose]));
  const choices = new Map<LedgerPurpose, ConsentAction>();
  for (const [name, value] of fields) {
    if (name === 'token' || name === 'lang') continue;
    const purpose = byField.get(name);
    if (!purpose) throw new PageError('request.malformed', 'unexpected_field');
    if (value !== 'grant' && value !== 'withdraw') throw new PageError('request.malformed', 'bad_choice');
    choices.set(purpose, value);
  }
  const formToken = fields.get('token');
  if (!formToken || !TOKEN.test(formToken)) throw new PageError('request.malformed', 'token');
  const language = explicitLanguage(fields.get('lang'));
  if (!language) throw new PageError('request.malformed', 'lang');
  if (choices.size === 0) throw new PageError('form.no_choice');
  return { formToken, language, choices };
}

/**
 * Spend the form token and record the choices.
 * @throws PageError form.token_invalid (unknown, used, expired, another session's), form.notice_changed
 */
export async function submitConsent(deps: PageDeps, submission: ConsentSubmission): Promise<SubmittedConsent> {
  const { person } = submission;
  const data = (await deps.pageStates.consume(submission.formToken, 'consent-form', person.accountId)) as Partial<FormTokenData> | null;
  if (!data) throw new PageError('form.token_invalid', 'unknown_or_used');
  if (data.sid !== submission.sessionId) throw new PageError('form.token_invalid', 'other_session');
  if (data.lang !== submission.language) throw new PageError('form.token_invalid', 'language');
  const notices = deps.notices.list(submission.language);
  let shown: Record<string, string>;
  try {
    shown = JSON.parse(data.versions ?? '{}') as Record<string, string>;
  } catch {
    throw new PageError('form.token_invalid', 'versions');
  }
  const noticeVersions: Record<string, string> = {};
  for (const purpose of submission.choices.keys()) {
    const notice = notices.find((n) => n.purpose === purpose);
    // The person agreed to the text they read: if it changed since, they must read it again.
    if (!notice || shown[purpose] !== notice.version) throw new PageError('form.notice_changed');
    noticeVersions[purpose] = notice.version;
  }
  const before = await deps.ledger.current(person);
  const changed = changedPurposes(before, submission.choices);
  const changes: ConsentChange[] = [...submission.choices].map(([purpose, action]) => ({ purpose, action, noticeVersion: noticeVersions[purpose]!, language: submission.language }));
  const tokenHash = createHash('sha256').update(submission.formToken).digest('hex');
  const recorded = await deps.ledger.record({
    person,
    changes,
    channel: 'oa_page',
    source: 'user',
    evidence: {
      payload: {
        page: 'consent',
        choices: Object.fromEntries(submission.choices),
        noticeVersions,
        language: submission.language,
        sessionId: submission.sessionId,
        changed: [...changed].sort(),
        formTokenSha256: tokenHash,
      },
      dedupeKey: `consent-page:${tokenHash}`,
    },
    occurredAt: deps.now(),
  });
  const after = await deps.ledger.current(person);
  return { evidenceRecordId: recorded.evidenceRecordId, duplicate: recorded.duplicate, changed, after, notices };
}

/** POST /p/:account/consent. */
export async function handleConsentSubmit(deps: PageDeps, ctx: Context, account: PageAccount): Promise<void> {
  checkOrigin(ctx, [publicParts(deps).origin]);
  const session = requireSession(deps, ctx, account.id);
  const fields = await readForm(ctx);
  const formLanguage = explicitLanguage(fields.get('lang'));
  if (formLanguage) (ctx.state as { pageLanguage?: ConsentLanguage }).pageLanguage = formLanguage;
  const parsed = parseConsentForm(fields, deps.notices.list(formLanguage ?? 'zh-CN'));
  const person = personOf(session);
  const result = await submitConsent(deps, { person, sessionId: session.sessionId, ...parsed });

  const granted = [...parsed.choices].filter(([, a]) => a === 'grant').map(([p]) => p).sort();
  const withdrawn = [...parsed.choices].filter(([, a]) => a === 'withdraw').map(([p]) => p).sort();
  await deps.audit
    .record({
      type: 'consent.page_submitted',
      actor: { subject: 'consent-page', via: 'system' },
      target: account.id,
      outcome: 'success',
      details: { evidenceRecordId: result.evidenceRecordId, subjectIndex: deps.subjectIndex(person.id), granted, withdrawn, changed: [...result.changed].sort(), duplicate: result.duplicate, language: parsed.language },
    })
    .catch((err: unknown) => deps.logger.error({ err, evidenceRecordId: result.evidenceRecordId }, 'audit of a consent page submission failed'));
  deps.logger.info({ account: account.id, evidenceRecordId: result.evidenceRecordId, choices: parsed.choices.size, changed: result.changed.size }, 'consent page submission recorded');

  const t = textFor(parsed.language);
  sendPage(ctx, 200, {
    language: parsed.language,
    title: t.savedTitle,
    ...languageSwitch(deps, account.id, 'consent', parsed.language),
    body: confirmation({ language: parsed.language, notices: result.notices, choices: parsed.choices, changed: result.changed, after: result.after, reviewHref: `${pagePath(deps, account.id, 'consent')}?lang=${parsed.language}` }),
  });
}
