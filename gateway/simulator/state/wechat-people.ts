/**
 * The WeChat users behind the openids. One person has one openid per
 * account and, because every simulated account hangs off one simulated Open
 * Platform account, one unionid across them all (wechat-oa.md §10). People
 * come into being lazily: the first time an openid is looked at it becomes a
 * new person, unless a test linked it to an existing one first (`link`,
 * `samePerson`, or `follow(…, { unionid })`).
 *
 * Snapshot users (快照页模式虚拟账号) are virtual: they get an openid for the
 * page and `is_snapshotuser: 1`, never a unionid.
 */
import { createHash } from 'node:crypto';
import { randomBase64Url, type Rng } from '../random';

/** unionids look like openids (28 characters starting with `o`), with a prefix of their own. */
export const UNIONID_PATTERN = /^o[A-Za-z0-9_-]{27}$/;

interface Person {
  unionid: string;
  /** appId → openid. */
  openids: Map<string, string>;
}

const key = (appId: string, openid: string): string => `${appId}\u0000${openid}`;

/** Who is who across the simulated accounts. */
export class WechatPeople {
  private readonly byOpenid = new Map<string, Person>();
  private readonly byUnionid = new Map<string, Person>();
  private readonly snapshot = new Set<string>();
  private readonly prefix = 'o' + createHash('sha256').update('unionid-prefix').digest('base64url').slice(0, 5);

  constructor(private readonly rng: Rng) {}

  /** The person's unionid (a new person when the openid was never seen). */
  unionidOf(appId: string, openid: string): string {
    return this.personOf(appId, openid).unionid;
  }

  /**
   * Say that `openid` of `appId` is the person with `unionid` (a new person
   * when no one has that unionid yet).
   * @throws Error when the openid already belongs to someone else, or the person already has another openid there.
   */
  link(appId: string, openid: string, unionid: string): void {
    if (!UNIONID_PATTERN.test(unionid)) throw new Error('unionid must be o + 27 base64url characters');
    const existing = this.byOpenid.get(key(appId, openid));
    if (existing) {
      if (existing.unionid !== unionid) throw new Error(`${openid} of ${appId} is already the person with unionid ${existing.unionid}`);
      return;
    }
    let person = this.byUnionid.get(unionid);
    if (!person) {
      person = { unionid, openids: new Map() };
      this.byUnionid.set(unionid, person);
    }
    const other = person.openids.get(appId);
    if (other !== undefined && other !== openid) throw new Error(`unionid ${unionid} already has openid ${other} at ${appId}`);
    person.openids.set(appId, openid);
    this.byOpenid.set(key(appId, openid), person);
  }

  /** The same person's openid at `appIdB`, minted with `mint` (and remembered) when they have none there yet. */
  samePerson(appIdA: string, openidA: string, appIdB: string, mint: () => string): string {
    const person = this.personOf(appIdA, openidA);
    const known = person.openids.get(appIdB);
    if (known !== undefined) return known;
    const openidB = mint();
    this.link(appIdB, openidB, person.unionid);
    return openidB;
  }

  /** Mark the openid as a snapshot-page virtual account. */
  markSnapshot(appId: string, openid: string): void {
    this.snapshot.add(key(appId, openid));
  }

  isSnapshot(appId: string, openid: string): boolean {
    return this.snapshot.has(key(appId, openid));
  }

  private personOf(appId: string, openid: string): Person {
    const existing = this.byOpenid.get(key(appId, openid));
    if (existing) return existing;
    let unionid: string;
    do unionid = this.prefix + randomBase64Url(this.rng, 22);
    while (this.byUnionid.has(unionid));
    this.link(appId, openid, unionid);
    return this.byOpenid.get(key(appId, openid)) as Person;
  }
}
