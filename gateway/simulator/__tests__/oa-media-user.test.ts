import * as pushes from '../pushes';
import { OA_RID, closeHarnesses, startApiHarness, tencentJson, type ApiHarness, type Json } from './helpers/api-harness';

const UPLOAD = '/cgi-bin/media/upload';
const INFO = '/cgi-bin/user/info';
const BATCH = '/cgi-bin/user/info/batchget';

let h: ApiHarness;
afterEach(closeHarnesses);

async function upload(type: string, file: { name: string; bytes: number; field?: string; mime?: string } | undefined): Promise<Json> {
  const form = new FormData();
  if (file) form.append(file.field ?? 'media', new Blob([Buffer.alloc(file.bytes, 0xff)], { type: file.mime ?? 'application/octet-stream' }), file.name);
  const token = await h.oaToken();
  return tencentJson(await fetch(`${h.oaUrl}${UPLOAD}?access_token=${token}&type=${type}`, { method: 'POST', body: form }));
}

describe('POST /cgi-bin/media/upload', () => {
  it('stores an image and answers {type, media_id, created_at} with created_at an integer', async () => {
    h = await startApiHarness();
    const answer = await upload('image', { name: 'statement.png', bytes: 2048 });
    expect(answer).toEqual({ type: 'image', media_id: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/), created_at: Math.floor(h.clock.now() / 1000) });
  });

  it.each([
    ['voice', 'note.amr'],
    ['voice', 'note.mp3'],
    ['video', 'clip.mp4'],
    ['thumb', 'thumb.jpg'],
    ['image', 'photo.GIF'],
  ])('accepts %s as %s', async (type, name) => {
    h = await startApiHarness();
    expect((await upload(type, { name, bytes: 100 })).type).toBe(type);
  });

  it('makes the media_id usable in custom/send of its type only', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    const { media_id } = await upload('image', { name: 'a.jpg', bytes: 10 });
    const send = (msgtype: string) => h.oaPost('/cgi-bin/message/custom/send', { touser: openid, msgtype, [msgtype]: { media_id } });
    expect((await send('image')).errcode).toBe(0);
    expect((await send('voice')).errcode).toBe(40007);
  });

  it('answers 40004 for an unknown type and 41005 without a media file', async () => {
    h = await startApiHarness();
    const badType = await upload('file', { name: 'a.pdf', bytes: 10 });
    expect(badType.errcode).toBe(40004);
    expect(badType.errmsg).toMatch(/^invalid media type rid: /);
    expect((await upload('image', undefined)).errcode).toBe(41005);
    expect((await upload('image', { name: 'a.jpg', bytes: 10, field: 'file' })).errcode).toBe(41005);
    const notMultipart = await fetch(`${h.oaUrl}${UPLOAD}?access_token=${await h.oaToken()}&type=image`, { method: 'POST', body: 'raw bytes' });
    expect((await tencentJson(notMultipart)).errcode).toBe(41005);
  });

  it('answers 44001 for a zero-byte file and 40005 for a format the type does not take', async () => {
    h = await startApiHarness();
    expect((await upload('image', { name: 'a.jpg', bytes: 0 })).errcode).toBe(44001);
    expect((await upload('thumb', { name: 'a.png', bytes: 10 })).errcode).toBe(40005);
    expect((await upload('voice', { name: 'a.wav', bytes: 10 })).errcode).toBe(40005);
  });

  it('judges a file without an extension by its content type', async () => {
    h = await startApiHarness();
    expect((await upload('video', { name: 'clip', bytes: 10, mime: 'video/mp4' })).type).toBe('video');
    expect((await upload('video', { name: 'clip', bytes: 10, mime: 'video/quicktime' })).errcode).toBe(40005);
  });

  it('takes a thumb of exactly 64 KB and answers 45001 one byte over', async () => {
    h = await startApiHarness();
    expect((await upload('thumb', { name: 't.jpg', bytes: 64 * 1024 })).type).toBe('thumb');
    const over = await upload('thumb', { name: 't.jpg', bytes: 64 * 1024 + 1 });
    expect(over.errcode).toBe(45001);
    expect(over.errmsg).toMatch(OA_RID);
  });

  it('answers 45009 past the daily upload quota', async () => {
    h = await startApiHarness({ oaQuotas: { mediaUpload: 1 } });
    expect((await upload('image', { name: 'a.jpg', bytes: 10 })).type).toBe('image');
    expect((await upload('image', { name: 'a.jpg', bytes: 10 })).errcode).toBe(45009);
  });
});

describe('GET /cgi-bin/user/info and POST /cgi-bin/user/info/batchget', () => {
  it('returns the post-2021 field set for a follower: no nickname, avatar, sex or language', async () => {
    h = await startApiHarness();
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const createTime = Math.floor(h.clock.now() / 1000);
    await h.sim.send(h.account.appId, pushes.subscribeEvent({ toUserName: h.account.originalId, fromUserName: openid, createTime, qrScene: '98765' }));
    h.sim.tagFollower(h.account.appId, openid, 2);
    expect(await h.oaGet(INFO, { openid, lang: 'zh_CN' })).toEqual({
      subscribe: 1,
      openid,
      subscribe_time: createTime,
      remark: '',
      groupid: 0,
      tagid_list: [2],
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      qr_scene: 98765,
      qr_scene_str: '',
    });
  });

  it('reports a string QR scene in qr_scene_str and a plain follow as ADD_SCENE_SEARCH', async () => {
    h = await startApiHarness();
    const viaQr = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.follow(h.account.appId, viaQr, { qrScene: 'branch-sh-01' });
    expect(await h.oaGet(INFO, { openid: viaQr })).toMatchObject({ subscribe_scene: 'ADD_SCENE_QR_CODE', qr_scene: 0, qr_scene_str: 'branch-sh-01' });
    const plain = h.sim.newFollowerOpenid(h.account.appId);
    await h.sim.send(h.account.appId, pushes.subscribeEvent({ toUserName: h.account.originalId, fromUserName: plain }));
    expect(await h.oaGet(INFO, { openid: plain })).toMatchObject({ subscribe: 1, subscribe_scene: 'ADD_SCENE_SEARCH' });
  });

  it('returns only {subscribe: 0, openid} for a user who unfollowed', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    await h.sim.send(h.account.appId, pushes.unsubscribeEvent({ toUserName: h.account.originalId, fromUserName: openid }));
    expect(await h.oaGet(INFO, { openid })).toEqual({ subscribe: 0, openid });
  });

  it('answers 40003 for a stranger or another account follower, 41009 without openid, 43001 to POST', async () => {
    h = await startApiHarness();
    expect((await h.oaGet(INFO, { openid: h.sim.newFollowerOpenid(h.account.appId) })).errcode).toBe(40003);
    expect((await h.oaGet(INFO, { openid: await h.follower(h.other.appId) })).errcode).toBe(40003);
    expect((await h.oaGet(INFO, {})).errcode).toBe(41009);
    expect((await h.oaPost(INFO, {})).errcode).toBe(43001);
  });

  it('batchget returns one entry per openid in order, including unfollowed ones', async () => {
    h = await startApiHarness();
    const a = await h.follower();
    const b = await h.follower();
    h.sim.unfollow(h.account.appId, b);
    const answer = await h.oaPost(BATCH, { user_list: [{ openid: b, lang: 'zh_CN' }, { openid: a }] });
    expect(answer.user_info_list).toEqual([{ subscribe: 0, openid: b }, expect.objectContaining({ subscribe: 1, openid: a })]);
  });

  it('batchget takes at most 100 (40032) and fails whole on a foreign openid (40003)', async () => {
    h = await startApiHarness();
    const a = await h.follower();
    const list = Array.from({ length: 101 }, () => ({ openid: a }));
    expect((await h.oaPost(BATCH, { user_list: list })).errcode).toBe(40032);
    expect((await h.oaPost(BATCH, { user_list: list.slice(0, 100) })).user_info_list).toHaveLength(100);
    expect((await h.oaPost(BATCH, { user_list: [{ openid: a }, { openid: await h.follower(h.other.appId) }] })).errcode).toBe(40003);
    expect((await h.oaPost(BATCH, {})).errcode).toBe(47001);
  });

  it('shares one daily quota between user/info and batchget (45009)', async () => {
    h = await startApiHarness({ oaQuotas: { userInfo: 2 } });
    const a = await h.follower();
    expect((await h.oaGet(INFO, { openid: a })).subscribe).toBe(1);
    expect((await h.oaPost(BATCH, { user_list: [{ openid: a }] })).user_info_list).toHaveLength(1);
    expect((await h.oaGet(INFO, { openid: a })).errcode).toBe(45009);
  });
});
