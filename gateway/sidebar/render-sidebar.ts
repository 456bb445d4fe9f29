/**
 * The sidebar page: approved items as cards at phone width, each with a send
 * button that carries the exact sendChatMessage payload (text, news for a
 * link card, image whose media_id is fetched on tap). The page loads
 * Tencent's JS-SDK and the sidebar script (sidebar-client.ts); its CSP
 * allows those origins, this origin for fetch and images, nothing else.
 */
import type { ConsentLanguage } from '../consent/config';
import type { ContentItemRow } from '../db/entities';
import { html, type PageScript, type Raw } from '../pages/html';
import { SIDEBAR_CLIENT_SCRIPT } from './sidebar-client';
import { sidebarText } from './sidebar-text';

/** The sendChatMessage payload of an item (an image's media_id is added by the script). */
export function sendPayload(item: ContentItemRow): Record<string, unknown> {
  if (item.kind === 'text') return { msgtype: 'text', enterChat: true, text: { content: item.textContent ?? '' } };
  if (item.kind === 'link') return { msgtype: 'news', enterChat: true, news: { link: item.linkUrl ?? '', title: item.linkTitle ?? '', desc: item.linkDescription ?? '', imgUrl: item.linkPicUrl ?? '' } };
  return { msgtype: 'image', enterChat: true, image: { mediaid: '' } };
}

export const SIDEBAR_STYLE = `
.status{position:sticky;top:0;z-index:1;margin:0 0 12px;padding:10px 12px;border-radius:10px;background:#e8eaed;font-size:15px}
.status.ok{background:#e6f4ea;color:#06803f}
.status.bad{background:#fce8e6;color:var(--bad)}
.item h2{font-size:17px;margin:0 0 4px}
.item .kind{font-size:13px;color:var(--muted);margin:0 0 8px}
.item .preview{white-space:pre-wrap;font-size:16px;margin:0 0 12px}
.item .link{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:0 0 12px}
.item .link b{display:block;font-size:16px}
.item .link span{display:block;font-size:14px;color:var(--muted)}
.item .url{font-size:12px;color:var(--muted);word-break:break-all}
.item img.thumb{display:block;max-width:100%;max-height:240px;border-radius:8px;margin:0 0 12px}
.item button{min-height:48px}
.item button[disabled]{background:#a8d8b9;cursor:default}
`;

function card(item: ContentItemRow, language: ConsentLanguage, paths: SidebarPaths): Raw {
  const t = sidebarText(language);
  const preview =
    item.kind === 'text'
      ? html`<p class="preview">${item.textContent}</p>`
      : item.kind === 'link'
        ? html`<div class="link"><b>${item.linkTitle}</b><span>${item.linkDescription}</span><span class="url">${item.linkUrl}</span></div>`
        : html`<img class="thumb" src="${paths.image(item.id)}" alt="${item.label}">`;
  return html`<article class="card item" data-item-id="${item.id}" data-kind="${item.kind}"><h2>${item.label}</h2><p class="kind">${t.kind[item.kind]} · ${t.version} ${item.version}</p>${preview}<button type="button" data-item="${item.id}" data-payload="${JSON.stringify(sendPayload(item))}"${item.kind === 'image' ? html` data-media="${paths.media(item.id)}"` : ''} disabled>${t.send}</button></article>`;
}

/** Where the page's script fetches from. */
export interface SidebarPaths {
  config: string;
  media(itemId: string): string;
  image(itemId: string): string;
}

/** The page body and its script. */
export function sidebarBody(items: readonly ContentItemRow[], language: ConsentLanguage, paths: SidebarPaths, scripts: { jweixinUrl: string; jwxworkUrl: string }): { body: Raw; script: PageScript } {
  const t = sidebarText(language);
  const clientText = { connecting: t.connecting, ready: t.ready, sending: t.sending, sent: t.sent, cancelled: t.cancelled, failed: t.failed, configFailed: t.configFailed, notInWecom: t.notInWecom };
  const body = html`<section id="cgw-sidebar" data-config="${paths.config}" data-text="${JSON.stringify(clientText)}"><h1>${t.title}</h1><p class="intro">${t.intro}</p><p id="cgw-status" class="status" role="status" aria-live="polite" data-state="connecting">${t.connecting}</p>${items.length === 0 ? html`<p class="card">${t.empty}</p>` : items.map((item) => card(item, language, paths))}</section>`;
  return { body, script: { sources: [scripts.jweixinUrl, scripts.jwxworkUrl], inline: SIDEBAR_CLIENT_SCRIPT, style: SIDEBAR_STYLE, imgSrc: ["'self'"], connectSrc: ["'self'"] } };
}
