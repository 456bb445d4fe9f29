/** The consent form and the confirmation after a submission, as HTML bodies. */
import type { ConsentLanguage } from '../consent/config';
import type { ConsentAction, ConsentNotice, LedgerPurpose, PersonConsent } from '../consent/ports';
import { html, type Raw } from './html';
import { textFor } from './text';

/** Beijing time, minutes: what a person in China reads as "when". */
export function formatTime(epochMs: number, language: ConsentLanguage): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(epochMs));
}

/** Form field of a purpose's choice. */
export const choiceField = (purpose: LedgerPurpose) => `choice.${purpose}`;

export interface ConsentFormView {
  language: ConsentLanguage;
  notices: ConsentNotice[];
  current: PersonConsent;
  formAction: string;
  formToken: string;
}

/** One fieldset per purpose; radios preselected only for purposes the person has answered under the current notice. */
export function consentForm(view: ConsentFormView): Raw {
  const t = textFor(view.language);
  const items = view.notices.map((notice) => {
    const state = view.current.purposes[notice.purpose] ?? { state: 'missing' as const, since: null, noticeVersion: null };
    // stale and missing start unselected: the person must choose again, actively.
    const selected: ConsentAction | null = state.state === 'granted' ? 'grant' : state.state === 'withdrawn' ? 'withdraw' : null;
    const radio = (action: ConsentAction, label: string) =>
      html`<label><input type="radio" name="${choiceField(notice.purpose)}" value="${action}"${selected === action ? html` checked` : ''}> ${label}</label>`;
    const since = state.since !== null ? ` · ${t.since} ${formatTime(state.since, view.language)}` : '';
    return html`
<fieldset class="card" data-purpose="${notice.purpose}" data-state="${state.state}">
<legend>${notice.title}</legend>
<p class="notice">${notice.text}</p>
<p class="state ${state.state}" data-testid="state-${notice.purpose}">${t.state[state.state]}${since}</p>
<div class="choices">${radio('grant', t.agree)}${radio('withdraw', t.disagree)}</div>
${state.state === 'granted' || state.state === 'stale' ? html`<p class="hint">${t.withdrawHint}</p>` : ''}
<p class="meta">${t.noticeVersion} ${notice.version.slice(0, 12)}</p>
</fieldset>`;
  });
  return html`<h1>${t.consentTitle}</h1>
<p class="intro">${t.consentIntro}</p>
<form method="post" action="${view.formAction}" accept-charset="utf-8">
<input type="hidden" name="token" value="${view.formToken}">
<input type="hidden" name="lang" value="${view.language}">
${items}
<button type="submit">${t.submit}</button>
</form>`;
}

export interface ConfirmationView {
  language: ConsentLanguage;
  notices: ConsentNotice[];
  /** What the person chose in this submission. */
  choices: ReadonlyMap<LedgerPurpose, ConsentAction>;
  /** Purposes whose state this submission changed. */
  changed: ReadonlySet<LedgerPurpose>;
  after: PersonConsent;
  reviewHref: string;
}

/** What is now granted and withdrawn, and what this submission changed. */
export function confirmation(view: ConfirmationView): Raw {
  const t = textFor(view.language);
  const rows = view.notices.map((notice) => {
    const state = view.after.purposes[notice.purpose]?.state ?? 'missing';
    const chosen = view.choices.get(notice.purpose);
    const label = state === 'granted' ? t.nowGranted : state === 'withdrawn' ? t.nowWithdrawn : state === 'stale' ? t.state.stale : t.notAnswered;
    const note = chosen === undefined ? '' : view.changed.has(notice.purpose) ? t.changed : t.unchanged;
    return html`<li data-purpose="${notice.purpose}" data-state="${state}"><div class="what">${notice.title}</div><div class="${state}">${label} <span class="small">${note}</span></div></li>`;
  });
  return html`<h1>${t.savedTitle}</h1><p class="intro">${t.savedIntro}</p><section class="card"><ul class="result">${rows}</ul></section><p><a class="button" href="${view.reviewHref}">${t.reviewAgain}</a></p>`;
}
