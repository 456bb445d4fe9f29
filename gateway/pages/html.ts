/**
 * The pages' HTML shell: mobile-first, a CJK-capable system font stack, no
 * external assets and no script. The one inline style block carries a
 * per-response nonce; the Content-Security-Policy allows nothing else, forms
 * post only to this origin, and no other site may frame the page.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { ConsentLanguage } from '../consent/config';

/** `value` escaped for HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tagged template: every interpolation is escaped unless wrapped in `raw(…)`. Arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Raw(out);
}

/** Already-safe HTML. */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof Raw) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

const STYLE = `
:root{color-scheme:light;--fg:#191919;--muted:#5f6368;--line:#dcdcdc;--accent:#07c160;--accent-ink:#fff;--warn:#9a5b00;--bad:#b3261e;--card:#fff;--bg:#f2f2f2}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.65 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","WenQuanYi Micro Hei","Helvetica Neue",Arial,sans-serif;word-break:break-word}
main{max-width:640px;margin:0 auto;padding:12px 16px 40px}
header{display:flex;justify-content:space-between;align-items:center;gap:12px;padding:8px 0}
h1{font-size:22px;line-height:1.35;margin:8px 0 12px}
h2{font-size:19px;line-height:1.4;margin:0 0 8px}
p{margin:0 0 12px}
.lang{display:flex;gap:4px;flex-shrink:0}
.lang a,.lang span{display:inline-flex;align-items:center;justify-content:center;min-width:48px;min-height:44px;padding:0 10px;border-radius:22px;text-decoration:none;color:var(--fg);font-size:15px}
.lang span{background:#e4e4e4;font-weight:600}
.intro{color:var(--muted);font-size:16px}
.card{background:var(--card);border-radius:12px;padding:16px;margin:0 0 14px;border:0}
fieldset.card{min-width:0}
legend{float:left;width:100%;padding:0;font-size:19px;font-weight:600;line-height:1.4;margin:0 0 8px}
legend+*{clear:both}
.notice{font-size:16px;margin:0 0 10px}
.state{font-size:15px;color:var(--muted);margin:0 0 12px}
.state.stale{color:var(--warn);font-weight:600}
.state.granted{color:#06803f}
.choices{display:flex;gap:10px}
.choices label{flex:1;display:flex;align-items:center;gap:10px;min-height:52px;padding:10px 14px;border:1.5px solid var(--line);border-radius:10px;font-size:17px;cursor:pointer}
.choices label:has(input:checked){border-color:var(--accent);background:#effaf3}
.choices input{width:22px;height:22px;margin:0;accent-color:var(--accent);flex-shrink:0}
.hint{font-size:14px;color:var(--muted);margin:8px 0 0}
.meta{font-size:12px;color:var(--muted);margin:10px 0 0;font-family:ui-monospace,Menlo,Consolas,monospace}
button,.button{display:flex;align-items:center;justify-content:center;width:100%;min-height:52px;padding:12px 16px;border:0;border-radius:10px;background:var(--accent);color:var(--accent-ink);font:inherit;font-size:18px;font-weight:600;text-decoration:none;cursor:pointer}
.result{list-style:none;margin:0;padding:0}
.result li{padding:12px 0;border-bottom:1px solid var(--line)}
.result li:last-child{border-bottom:0}
.result .what{font-weight:600}
.result .granted{color:#06803f}
.result .withdrawn{color:var(--bad)}
.error h1{color:var(--bad)}
.small{font-size:13px;color:var(--muted)}
`;

/** What a page shows around its content. */
export interface Shell {
  language: ConsentLanguage;
  title: string;
  /** The language switch: a link per other language (null: none, e.g. on a POST result). */
  switchTo?: { language: ConsentLanguage; label: string; href: string }[] | null;
  currentLanguageLabel?: string;
  body: Raw;
  /**
   * A page that runs script (the WeCom content sidebar, which must call Tencent's JS-SDK): the
   * script origins allowed, the inline script (run under the response's nonce), extra style,
   * and what it may fetch and show. Pages without it stay script-free.
   */
  script?: PageScript;
}

/** What a scripted page may load and do (setSecurityHeaders turns it into CSP). */
export interface PageScript {
  /** Absolute script URLs loaded before the inline script, in order (their origins are allowed). */
  sources: readonly string[];
  /** The page's own script, inline under the nonce. */
  inline: string;
  /** More CSS after the shared style. */
  style?: string;
  /** Image sources beyond data: (e.g. 'self', https:). */
  imgSrc?: readonly string[];
  /** fetch() targets (e.g. 'self'). */
  connectSrc?: readonly string[];
}

/** Answer `ctx` with a complete page and the pages' security headers. */
export function sendPage(ctx: Context, status: number, shell: Shell): void {
  const nonce = randomBytes(16).toString('base64');
  setSecurityHeaders(ctx, nonce, shell.script);
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  const switcher = shell.switchTo
    ? html`<nav class="lang" aria-label="Language / 语言"><span lang="${shell.language}">${shell.currentLanguageLabel ?? shell.language}</span>${shell.switchTo.map((s) => html`<a href="${s.href}" hreflang="${s.language}" lang="${s.language}">${s.label}</a>`)}</nav>`
    : '';
  const script = shell.script;
  const scripts = script ? html`${script.sources.map((src) => html`<script nonce="${nonce}" src="${src}"></script>`)}<script nonce="${nonce}">${new Raw(script.inline.replace(/<\/(script)/gi, '<\\/$1'))}</script>` : '';
  const style = script?.style ? new Raw(STYLE + script.style) : new Raw(STYLE);
  ctx.body = `<!doctype html>${html`<html lang="${shell.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"><meta name="format-detection" content="telephone=no"><title>${shell.title}</title><style nonce="${nonce}">${style}</style></head><body><main><header><div></div>${switcher}</header>${shell.body}</main>${scripts}</body></html>`}`;
}

/** Headers every page answer carries (also redirects and problem answers). */
export function setSecurityHeaders(ctx: Context, styleNonce?: string, script?: PageScript): void {
  const style = styleNonce ? `'nonce-${styleNonce}'` : "'none'";
  if (script && styleNonce) {
    // A scripted page: its nonce and the named script origins only; fetch and images as it declares.
    const origins = [...new Set(script.sources.map((src) => new URL(src).origin))];
    const img = ['data:', ...(script.imgSrc ?? [])].join(' ');
    const connect = script.connectSrc?.length ? `; connect-src ${script.connectSrc.join(' ')}` : '';
    ctx.set('content-security-policy', `default-src 'none'; script-src 'nonce-${styleNonce}' ${origins.join(' ')}; style-src ${style}; img-src ${img}${connect}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
  } else {
    ctx.set('content-security-policy', `default-src 'none'; style-src ${style}; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
  }
  ctx.set('x-content-type-options', 'nosniff');
  ctx.set('x-frame-options', 'DENY');
  // Same-origin keeps the Origin header on our own form posts (CSRF check) and keeps
  // OAuth codes and states in our URLs from leaking to other sites.
  ctx.set('referrer-policy', 'same-origin');
  ctx.set('cache-control', 'no-store');
}
