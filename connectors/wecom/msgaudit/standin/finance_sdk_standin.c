/*
 * Stand-in for Tencent's Finance SDK (libWeWorkFinanceSdk_C.so), used by the
 * tests and by demo mode. It exports the same C ABI as the real SDK
 * (wecom.md §6.3 of the protocol reference: NewSdk/Init/DestroySdk,
 * GetChatData, DecryptData, GetMediaData, the Slice_t and MediaData_t
 * accessors) so the production FFI binding loads it unchanged, plus a few
 * stand-in-only Standin* functions that tests use to feed it, to make it
 * misbehave on purpose and to count its allocations.
 *
 * Build: gcc -shared -fPIC -O2 -Wall -Wextra -o libWeWorkFinanceSdk_C.so finance_sdk_standin.c -lpthread
 * (the fixture's JSON reader and base64 live in standin_json.h, included below;
 * __tests__/build-standin.ts builds and caches it for the tests).
 *
 * DATA. A JSON fixture, loaded by StandinLoad(path) or, when nothing is loaded
 * yet, at Init from the file named by the CGW_STANDIN_DATA environment
 * variable (demo mode, where the gateway knows nothing of Standin*):
 *
 *   { "media_chunk_bytes": 524288,                      (optional, default 512 KB)
 *     "corps": { "<corpid>": {
 *         "secret": "<the msgaudit secret Init must be given>",
 *         "chatdata": [ {"seq":1,"msgid":"…","publickey_ver":1,
 *                        "encrypt_random_key":"…","encrypt_chat_msg":"…"} ],
 *         "media": { "<sdkfileid>": "<base64 of the file>" } } } }
 *
 * GetChatData answers {"errcode":0,"errmsg":"ok","chatdata":[…]} with the
 * records whose seq is greater than the given seq, at most `limit`. An unknown
 * corp answers errcode 301053 and a wrong secret 40001 inside the JSON (the
 * SDK call itself succeeds, as with the real SDK's API-level errors).
 *
 * CIPHER (DecryptData). The real algorithm is undocumented, so the stand-in
 * defines its own, deliberately unlike any real cipher ("SI1"):
 *   keystream: FNV-1a-32 over the bytes of encrypt_key gives the seed (0 is
 *     replaced by 0x9E3779B9); xorshift32 (x ^= x<<13; x ^= x>>17; x ^= x<<5)
 *     is stepped once per 4 output bytes, emitted little-endian.
 *   blob = "SI1" || keystream[0..4) || plaintext XOR keystream[4..)
 *   encrypt_chat_msg = standard base64(blob)
 * The 4 check bytes let a wrong key fail with 10006 instead of yielding
 * garbage. The TypeScript encoder is __tests__/standin-cipher.ts.
 * Errors: empty arguments 10000; a key with a byte outside '!'..'~'
 * 10008; bad base64, short blob or bad magic 10002; check mismatch 10006.
 *
 * GetMediaData: indexbuf "" (first call) or the decimal byte offset returned
 * in outindexbuf by the previous call; chunks of media_chunk_bytes; is_finish
 * on the last chunk (a zero-byte file answers one empty, finished chunk).
 * Unknown sdkfileid 10005.
 *
 * FAILURE MODES (StandinSetMode(fn, mode, arg, count); count -1 = until reset;
 * fn is any of the ten names in FN_NAMES; StandinCalls(fn) counts the calls):
 *   1 error return (arg = the code to return; NewSdk/NewSlice/NewMediaData return NULL)
 *   2 retryable error (returns 10001)
 *   3 bad JSON in the output slice (GetChatData, DecryptData)
 *   4 empty batch (GetChatData)
 *   5 slow call: sleep arg ms, then behave normally
 *   6 truncated media chunk: half the chunk's bytes, the offset still advances
 *
 * COUNTERS. Every allocation whose memory the caller owns or that is made
 * during a call (Slice_t, MediaData_t, their buffers, the SDK handle and its
 * copies of corpid/secret, scratch buffers) goes through sa_alloc/sa_free, so
 * StandinLiveAllocations() is zero exactly when the caller freed everything.
 * The fixture itself is loaded state, not counted. All entry points are
 * thread-safe: koffi runs async calls on worker threads.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "standin_json.h"

#define EXPORT __attribute__((visibility("default")))

typedef struct WeWorkFinanceSdk_t WeWorkFinanceSdk_t;
typedef struct Slice_t { char* buf; int len; } Slice_t;
typedef struct MediaData { char* outindexbuf; int out_len; char* data; int data_len; int is_finish; } MediaData_t;

enum { E_PARAM = 10000, E_NETWORK = 10001, E_PARSE = 10002, E_FILEID = 10005, E_DECRYPT = 10006, E_KEYPARSE = 10008 };
enum { M_OK = 0, M_ERROR = 1, M_RETRYABLE = 2, M_BAD_JSON = 3, M_EMPTY = 4, M_SLOW = 5, M_TRUNCATED = 6 };

/* ---------- counted allocations ---------- */

static long long g_live_allocs;
static int g_live_sdks;

static void* sa_alloc(size_t n) {
  void* p = calloc(1, n ? n : 1);
  if (p) __atomic_add_fetch(&g_live_allocs, 1, __ATOMIC_SEQ_CST);
  return p;
}
static void sa_free(void* p) {
  if (!p) return;
  free(p);
  __atomic_sub_fetch(&g_live_allocs, 1, __ATOMIC_SEQ_CST);
}
static char* sa_strdup(const char* s) {
  size_t n = strlen(s);
  char* p = sa_alloc(n + 1);
  if (p) memcpy(p, s, n + 1);
  return p;
}

/* ---------- modes and call counters ---------- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static const char* FN_NAMES[] = {"NewSdk", "Init", "DestroySdk", "GetChatData", "DecryptData", "GetMediaData",
                                 "NewSlice", "FreeSlice", "NewMediaData", "FreeMediaData"};
#define FN_COUNT ((int)(sizeof FN_NAMES / sizeof FN_NAMES[0]))
enum { F_NEWSDK, F_INIT, F_DESTROY, F_CHAT, F_DECRYPT, F_MEDIA, F_NEWSLICE, F_FREESLICE, F_NEWMEDIA, F_FREEMEDIA };
typedef struct { int mode, arg, count; } fault_t;
static fault_t g_modes[FN_COUNT];
static int g_calls[FN_COUNT];
static char g_last_call[8192];

static int fn_index(const char* name) {
  if (!name) return -1;
  for (int i = 0; i < FN_COUNT; i++)
    if (strcmp(FN_NAMES[i], name) == 0) return i;
  return -1;
}

/* Counts the call and consumes one use of its failure mode. */
static fault_t enter(int fn) {
  pthread_mutex_lock(&g_lock);
  g_calls[fn]++;
  fault_t m = g_modes[fn];
  if (m.mode != M_OK && m.count > 0 && --g_modes[fn].count == 0) g_modes[fn].mode = M_OK;
  pthread_mutex_unlock(&g_lock);
  if (m.mode == M_SLOW && m.arg > 0) {
    struct timespec ts = {m.arg / 1000, (long)(m.arg % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {}
  }
  return m;
}

/* Only the failures that replace the whole call: an error code, or 0. */
static int mode_error(fault_t m) {
  if (m.mode == M_ERROR) return m.arg;
  if (m.mode == M_RETRYABLE) return E_NETWORK;
  return 0;
}

/* The allocating functions have no code to return: any error mode means NULL. */
static int alloc_fails(fault_t m) { return m.mode == M_ERROR || m.mode == M_RETRYABLE; }

/* ---------- growable counted buffer ---------- */

typedef struct { char* p; size_t len, cap; int failed; } buf_t;

static void buf_reserve(buf_t* b, size_t extra) {
  if (b->failed || b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char* p = sa_alloc(cap);
  if (!p) { b->failed = 1; return; }
  if (b->p) { memcpy(p, b->p, b->len); sa_free(b->p); }
  b->p = p;
  b->cap = cap;
}
static void buf_put(buf_t* b, const char* s, size_t n) {
  buf_reserve(b, n);
  if (b->failed) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}
static void buf_str(buf_t* b, const char* s) { buf_put(b, s, strlen(s)); }
static void buf_json_string(buf_t* b, const char* s) {
  buf_put(b, "\"", 1);
  for (const unsigned char* c = (const unsigned char*)s; *c; c++) {
    char esc[8];
    if (*c == '"' || *c == '\\') { esc[0] = '\\'; esc[1] = (char)*c; buf_put(b, esc, 2); }
    else if (*c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", *c); buf_put(b, esc, 6); }
    else buf_put(b, (const char*)c, 1);
  }
  buf_put(b, "\"", 1);
}

/* ---------- fixture ---------- */

typedef struct { unsigned long long seq; long long publickey_ver; char *msgid, *erk, *ecm; } record_t;
typedef struct { char* id; unsigned char* bytes; size_t len; } media_t;
typedef struct { char *corpid, *secret; record_t* recs; size_t nrecs; media_t* media; size_t nmedia; } corp_t;

static corp_t* g_corps;
static size_t g_ncorps;
static size_t g_chunk = 512 * 1024;
static int g_loaded;
static char g_error[512];

static void free_corps(corp_t* corps, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(corps[i].corpid);
    free(corps[i].secret);
    for (size_t r = 0; r < corps[i].nrecs; r++) {
      free(corps[i].recs[r].msgid);
      free(corps[i].recs[r].erk);
      free(corps[i].recs[r].ecm);
    }
    free(corps[i].recs);
    for (size_t m = 0; m < corps[i].nmedia; m++) { free(corps[i].media[m].id); free(corps[i].media[m].bytes); }
    free(corps[i].media);
  }
  free(corps);
}

static int cmp_seq(const void* a, const void* b) {
  unsigned long long x = ((const record_t*)a)->seq, y = ((const record_t*)b)->seq;
  return x < y ? -1 : x > y;
}

static const char* str_field(const jv* obj, const char* key) {
  const jv* v = jget(obj, key);
  return v && v->t == J_STR ? v->str : NULL;
}

static int load_record(const jv* item, record_t* rec, char* why, size_t why_len) {
  unsigned long long ver;
  const char *msgid = str_field(item, "msgid"), *erk = str_field(item, "encrypt_random_key"), *ecm = str_field(item, "encrypt_chat_msg");
  if (!juint(jget(item, "seq"), &rec->seq) || !juint(jget(item, "publickey_ver"), &ver) || !msgid || !erk || !ecm) {
    snprintf(why, why_len, "a chatdata record needs seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg");
    return 0;
  }
  rec->publickey_ver = (long long)ver;
  rec->msgid = strdup(msgid);
  rec->erk = strdup(erk);
  rec->ecm = strdup(ecm);
  return rec->msgid && rec->erk && rec->ecm;
}

static int load_corp(const char* corpid, const jv* c, corp_t* corp, char* why, size_t why_len) {
  const char* secret = str_field(c, "secret");
  const jv* chat = jget(c, "chatdata");
  const jv* media = jget(c, "media");
  if (c->t != J_OBJ || !secret || (chat && chat->t != J_ARR) || (media && media->t != J_OBJ)) {
    snprintf(why, why_len, "corp %.64s: needs a string secret, chatdata an array, media an object", corpid);
    return 0;
  }
  corp->corpid = strdup(corpid);
  corp->secret = strdup(secret);
  if (chat && chat->n) {
    corp->recs = calloc(chat->n, sizeof *corp->recs);
    if (!corp->recs) { snprintf(why, why_len, "out of memory"); return 0; }
    for (size_t r = 0; r < chat->n; r++) {
      corp->nrecs++; /* first, so free_corps also frees a half-loaded record */
      if (!load_record(&chat->items[r], &corp->recs[r], why, why_len)) return 0;
    }
    qsort(corp->recs, corp->nrecs, sizeof *corp->recs, cmp_seq);
    for (size_t r = 1; r < corp->nrecs; r++)
      if (corp->recs[r].seq == corp->recs[r - 1].seq) {
        snprintf(why, why_len, "corp %.64s: seq %llu appears twice", corpid, corp->recs[r].seq);
        return 0;
      }
  }
  if (media && media->n) {
    corp->media = calloc(media->n, sizeof *corp->media);
    if (!corp->media) { snprintf(why, why_len, "out of memory"); return 0; }
    for (size_t m = 0; m < media->n; m++) {
      media_t* md = &corp->media[corp->nmedia++];
      md->id = strdup(media->keys[m]);
      if (media->items[m].t != J_STR || !b64decode(media->items[m].str, &md->bytes, &md->len, malloc, free)) {
        snprintf(why, why_len, "corp %.64s: media %.64s is not a base64 string", corpid, media->keys[m]);
        return 0;
      }
    }
  }
  return 1;
}

static int load_fixture(const char* path) {
  FILE* f = path ? fopen(path, "rb") : NULL;
  if (!f) { snprintf(g_error, sizeof g_error, "cannot open the fixture %.400s", path ? path : "(null)"); return -1; }
  size_t cap = 1 << 16, len = 0;
  char* text = malloc(cap);
  size_t got;
  while (text && (got = fread(text + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) { char* t = realloc(text, cap *= 2); if (!t) { free(text); text = NULL; } else text = t; }
  }
  fclose(f);
  if (!text) { snprintf(g_error, sizeof g_error, "out of memory reading the fixture"); return -1; }

  jparser j = {text, text + len, NULL, 0};
  jv root = {0};
  int ok = jvalue(&j, &root);
  if (ok) { jskip(&j); if (j.p != j.end) { ok = 0; j.err = "trailing characters"; } }
  if (!ok) {
    snprintf(g_error, sizeof g_error, "fixture %.300s is not JSON: %s at byte %ld", path, j.err ? j.err : "?", (long)(j.p - text));
    jv_free(&root);
    free(text);
    return -1;
  }
  free(text);

  char why[256] = "";
  const jv* corps = jget(&root, "corps");
  const jv* chunk = jget(&root, "media_chunk_bytes");
  unsigned long long chunk_bytes = 512 * 1024;
  corp_t* loaded = NULL;
  size_t n = 0;
  if (!corps || corps->t != J_OBJ) snprintf(why, sizeof why, "needs an object \"corps\"");
  else if (chunk && (!juint(chunk, &chunk_bytes) || chunk_bytes == 0 || chunk_bytes > (1u << 30))) snprintf(why, sizeof why, "media_chunk_bytes must be 1..2^30");
  else {
    loaded = calloc(corps->n ? corps->n : 1, sizeof *loaded);
    for (; loaded && n < corps->n; n++)
      if (!load_corp(corps->keys[n], &corps->items[n], &loaded[n], why, sizeof why)) { n++; break; }
  }
  jv_free(&root);
  if (why[0] || !loaded) {
    snprintf(g_error, sizeof g_error, "fixture %.200s: %s", path, why[0] ? why : "out of memory");
    free_corps(loaded, n);
    return -1;
  }
  pthread_mutex_lock(&g_lock);
  free_corps(g_corps, g_ncorps);
  g_corps = loaded;
  g_ncorps = n;
  g_chunk = (size_t)chunk_bytes;
  g_loaded = 1;
  pthread_mutex_unlock(&g_lock);
  return 0;
}

/* Caller holds g_lock. */
static corp_t* find_corp(const char* corpid) {
  for (size_t i = 0; i < g_ncorps; i++)
    if (strcmp(g_corps[i].corpid, corpid) == 0) return &g_corps[i];
  return NULL;
}

/* ---------- the SDK ---------- */

#define SDK_MAGIC 0x5344494eu
struct WeWorkFinanceSdk_t { unsigned magic; int inited; char *corpid, *secret; };

static int valid_sdk(const WeWorkFinanceSdk_t* sdk) { return sdk && sdk->magic == SDK_MAGIC; }

static void slice_set(Slice_t* slice, buf_t* b) {
  sa_free(slice->buf);
  slice->buf = b->p;
  slice->len = (int)b->len;
  b->p = NULL;
}

EXPORT WeWorkFinanceSdk_t* NewSdk(void) {
  if (alloc_fails(enter(F_NEWSDK))) return NULL;
  WeWorkFinanceSdk_t* sdk = sa_alloc(sizeof *sdk);
  if (!sdk) return NULL;
  sdk->magic = SDK_MAGIC;
  __atomic_add_fetch(&g_live_sdks, 1, __ATOMIC_SEQ_CST);
  return sdk;
}

EXPORT int Init(WeWorkFinanceSdk_t* sdk, const char* corpid, const char* secret) {
  int err = mode_error(enter(F_INIT));
  if (err) return err;
  if (!valid_sdk(sdk) || !corpid || !*corpid || !secret || !*secret) return E_PARAM;
  pthread_mutex_lock(&g_lock);
  int need_env = !g_loaded;
  pthread_mutex_unlock(&g_lock);
  const char* env = need_env ? getenv("CGW_STANDIN_DATA") : NULL;
  if (env && *env && load_fixture(env) != 0) return E_PARAM;
  char *c = sa_strdup(corpid), *s = sa_strdup(secret);
  if (!c || !s) { sa_free(c); sa_free(s); return 10003; }
  sa_free(sdk->corpid);
  sa_free(sdk->secret);
  sdk->corpid = c;
  sdk->secret = s;
  sdk->inited = 1;
  return 0;
}

EXPORT void DestroySdk(WeWorkFinanceSdk_t* sdk) {
  enter(F_DESTROY);
  if (!valid_sdk(sdk)) return;
  sdk->magic = 0;
  sa_free(sdk->corpid);
  sa_free(sdk->secret);
  sa_free(sdk);
  __atomic_sub_fetch(&g_live_sdks, 1, __ATOMIC_SEQ_CST);
}

/* JSON-escapes s into dst (truncating, always terminated); returns the characters written. */
static size_t json_escape(char* dst, size_t cap, const char* s) {
  size_t o = 0;
  for (const unsigned char* c = (const unsigned char*)(s ? s : ""); *c && o + 7 < cap; c++) {
    if (*c == '"' || *c == '\\') { dst[o++] = '\\'; dst[o++] = (char)*c; }
    else if (*c < 0x20) o += (size_t)snprintf(dst + o, cap - o, "\\u%04x", *c);
    else dst[o++] = (char)*c;
  }
  dst[o] = 0;
  return o;
}

/* Records the arguments that crossed the ABI, for StandinLastCall. */
static void note_call(const char* fn, unsigned long long seq, unsigned limit, const char* indexbuf, const char* fileid,
                      const char* proxy, const char* passwd, int timeout) {
  char e_index[256], e_file[2048], e_proxy[1200], e_passwd[1200];
  json_escape(e_index, sizeof e_index, indexbuf);
  json_escape(e_file, sizeof e_file, fileid);
  json_escape(e_proxy, sizeof e_proxy, proxy);
  json_escape(e_passwd, sizeof e_passwd, passwd);
  pthread_mutex_lock(&g_lock);
  snprintf(g_last_call, sizeof g_last_call,
           "{\"fn\":\"%s\",\"seq\":\"%llu\",\"limit\":%u,\"indexbuf\":\"%s\",\"sdkfileid\":\"%s\",\"proxy\":\"%s\",\"passwd\":\"%s\",\"timeout\":%d}",
           fn, seq, limit, e_index, e_file, e_proxy, e_passwd, timeout);
  pthread_mutex_unlock(&g_lock);
}

EXPORT int GetChatData(WeWorkFinanceSdk_t* sdk, unsigned long long seq, unsigned int limit, const char* proxy,
                       const char* passwd, int timeout, Slice_t* chatDatas) {
  fault_t m = enter(F_CHAT);
  int err = mode_error(m);
  if (err) return err;
  if (!valid_sdk(sdk) || !sdk->inited || !chatDatas || limit == 0 || limit > 1000 || timeout < 0) return E_PARAM;
  note_call("GetChatData", seq, limit, NULL, NULL, proxy, passwd, timeout);

  buf_t b = {0};
  if (m.mode == M_BAD_JSON) buf_str(&b, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[{\"seq\":");
  else if (m.mode == M_EMPTY) buf_str(&b, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[]}");
  else {
    pthread_mutex_lock(&g_lock);
    corp_t* corp = find_corp(sdk->corpid);
    if (!corp) buf_str(&b, "{\"errcode\":301053,\"errmsg\":\"msgaudit not enabled for this corp (stand-in)\"}");
    else if (strcmp(corp->secret, sdk->secret) != 0) buf_str(&b, "{\"errcode\":40001,\"errmsg\":\"invalid secret (stand-in)\"}");
    else {
      buf_str(&b, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[");
      unsigned emitted = 0;
      for (size_t i = 0; i < corp->nrecs && emitted < limit; i++) {
        record_t* r = &corp->recs[i];
        if (r->seq <= seq) continue;
        char num[64];
        buf_str(&b, emitted++ ? ",{\"seq\":" : "{\"seq\":");
        snprintf(num, sizeof num, "%llu", r->seq);
        buf_str(&b, num);
        buf_str(&b, ",\"msgid\":");
        buf_json_string(&b, r->msgid);
        snprintf(num, sizeof num, ",\"publickey_ver\":%lld", r->publickey_ver);
        buf_str(&b, num);
        buf_str(&b, ",\"encrypt_random_key\":");
        buf_json_string(&b, r->erk);
        buf_str(&b, ",\"encrypt_chat_msg\":");
        buf_json_string(&b, r->ecm);
        buf_str(&b, "}");
      }
      buf_str(&b, "]}");
    }
    pthread_mutex_unlock(&g_lock);
  }
  if (b.failed) { sa_free(b.p); return 10003; }
  slice_set(chatDatas, &b);
  return 0;
}

static unsigned fnv1a32(const char* s) {
  unsigned h = 0x811c9dc5u;
  for (const unsigned char* c = (const unsigned char*)s; *c; c++) { h ^= *c; h *= 0x01000193u; }
  return h ? h : 0x9E3779B9u;
}

/* xorshift32, stepped once per 4 bytes, bytes emitted little-endian. */
typedef struct { unsigned x, word; size_t k; } keystream_t;
static unsigned char ks_next(keystream_t* ks) {
  if (ks->k % 4 == 0) {
    ks->x ^= ks->x << 13;
    ks->x ^= ks->x >> 17;
    ks->x ^= ks->x << 5;
    ks->word = ks->x;
  }
  return (unsigned char)(ks->word >> (8 * (ks->k++ % 4)));
}

EXPORT int DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* msg) {
  fault_t m = enter(F_DECRYPT);
  int err = mode_error(m);
  if (err) return err;
  if (!encrypt_key || !*encrypt_key || !encrypt_msg || !*encrypt_msg || !msg) return E_PARAM;
  for (const unsigned char* c = (const unsigned char*)encrypt_key; *c; c++)
    if (*c < 0x21 || *c > 0x7e) return E_KEYPARSE;

  unsigned char* blob;
  size_t len;
  if (!b64decode(encrypt_msg, &blob, &len, sa_alloc, sa_free)) return E_PARSE;
  if (len < 7 || memcmp(blob, "SI1", 3) != 0) { sa_free(blob); return E_PARSE; }
  keystream_t ks = {fnv1a32(encrypt_key), 0, 0};
  for (size_t i = 3; i < 7; i++)
    if (blob[i] != ks_next(&ks)) { sa_free(blob); return E_DECRYPT; }
  buf_t b = {0};
  if (m.mode == M_BAD_JSON) buf_str(&b, "{\"msgid\":\"x\",\"action\":");
  else {
    buf_reserve(&b, len - 7);
    for (size_t i = 7; i < len && !b.failed; i++) b.p[b.len++] = (char)(blob[i] ^ ks_next(&ks));
    if (!b.failed) b.p[b.len] = 0;
  }
  sa_free(blob);
  if (b.failed) { sa_free(b.p); return 10003; }
  slice_set(msg, &b);
  return 0;
}

static void media_clear(MediaData_t* md) {
  sa_free(md->outindexbuf);
  sa_free(md->data);
  memset(md, 0, sizeof *md);
}

EXPORT int GetMediaData(WeWorkFinanceSdk_t* sdk, const char* indexbuf, const char* sdkFileid, const char* proxy,
                        const char* passwd, int timeout, MediaData_t* media_data) {
  fault_t m = enter(F_MEDIA);
  int err = mode_error(m);
  if (err) return err;
  if (!valid_sdk(sdk) || !sdk->inited || !media_data || !sdkFileid || !*sdkFileid || timeout < 0) return E_PARAM;
  note_call("GetMediaData", 0, 0, indexbuf, sdkFileid, proxy, passwd, timeout);
  unsigned long long offset = 0;
  if (indexbuf && *indexbuf) {
    char* end;
    if (*indexbuf < '0' || *indexbuf > '9') return E_PARAM;
    offset = strtoull(indexbuf, &end, 10);
    if (*end) return E_PARAM;
  }

  pthread_mutex_lock(&g_lock);
  corp_t* corp = find_corp(sdk->corpid);
  media_t* found = NULL;
  for (size_t i = 0; corp && i < corp->nmedia && !found; i++)
    if (strcmp(corp->media[i].id, sdkFileid) == 0) found = &corp->media[i];
  int rc = 0;
  if (!found) rc = E_FILEID;
  else if (offset > found->len) rc = E_PARAM;
  else {
    size_t chunk = found->len - offset < g_chunk ? found->len - (size_t)offset : g_chunk;
    size_t next = (size_t)offset + chunk;
    size_t give = m.mode == M_TRUNCATED ? chunk / 2 : chunk;
    char index[32];
    snprintf(index, sizeof index, "%zu", next);
    media_clear(media_data);
    media_data->outindexbuf = sa_strdup(index);
    media_data->data = give ? sa_alloc(give) : NULL;
    if (!media_data->outindexbuf || (give && !media_data->data)) { media_clear(media_data); rc = 10003; }
    else {
      if (give) memcpy(media_data->data, found->bytes + offset, give);
      media_data->out_len = (int)strlen(index);
      media_data->data_len = (int)give;
      media_data->is_finish = next >= found->len;
    }
  }
  pthread_mutex_unlock(&g_lock);
  return rc;
}

EXPORT Slice_t* NewSlice(void) {
  if (alloc_fails(enter(F_NEWSLICE))) return NULL;
  return sa_alloc(sizeof(Slice_t));
}

EXPORT void FreeSlice(Slice_t* slice) {
  enter(F_FREESLICE);
  if (!slice) return;
  sa_free(slice->buf);
  sa_free(slice);
}

EXPORT char* GetContentFromSlice(Slice_t* slice) { return slice ? slice->buf : NULL; }
EXPORT int GetSliceLen(Slice_t* slice) { return slice ? slice->len : 0; }

EXPORT MediaData_t* NewMediaData(void) {
  if (alloc_fails(enter(F_NEWMEDIA))) return NULL;
  return sa_alloc(sizeof(MediaData_t));
}

EXPORT void FreeMediaData(MediaData_t* media_data) {
  enter(F_FREEMEDIA);
  if (!media_data) return;
  media_clear(media_data);
  sa_free(media_data);
}

EXPORT char* GetOutIndexBuf(MediaData_t* m) { return m ? m->outindexbuf : NULL; }
EXPORT char* GetData(MediaData_t* m) { return m ? m->data : NULL; }
EXPORT int GetIndexLen(MediaData_t* m) { return m ? m->out_len : 0; }
EXPORT int GetDataLen(MediaData_t* m) { return m ? m->data_len : 0; }
EXPORT int IsMediaDataFinish(MediaData_t* m) { return m ? m->is_finish : 0; }

/* ---------- stand-in-only control ---------- */

/** Loads (replaces) the fixture; 0, or -1 with StandinLastError(). */
EXPORT int StandinLoad(const char* path) { return load_fixture(path); }

/** Drops the fixture (Init will read CGW_STANDIN_DATA again). */
EXPORT void StandinUnload(void) {
  pthread_mutex_lock(&g_lock);
  free_corps(g_corps, g_ncorps);
  g_corps = NULL;
  g_ncorps = 0;
  g_chunk = 512 * 1024;
  g_loaded = 0;
  pthread_mutex_unlock(&g_lock);
}

EXPORT const char* StandinLastError(void) { return g_error; }

/** Sets fn's failure mode for its next `count` calls (-1: until reset); 0, or -1 for an unknown fn or mode. */
EXPORT int StandinSetMode(const char* fn, int mode, int arg, int count) {
  int i = fn_index(fn);
  if (i < 0 || mode < M_OK || mode > M_TRUNCATED || count == 0) return -1;
  pthread_mutex_lock(&g_lock);
  g_modes[i] = (fault_t){mode, arg, count};
  pthread_mutex_unlock(&g_lock);
  return 0;
}

EXPORT void StandinResetModes(void) {
  pthread_mutex_lock(&g_lock);
  memset(g_modes, 0, sizeof g_modes);
  pthread_mutex_unlock(&g_lock);
}

/** How many times fn was called since StandinResetCalls; -1 for an unknown fn. */
EXPORT int StandinCalls(const char* fn) {
  int i = fn_index(fn);
  if (i < 0) return -1;
  pthread_mutex_lock(&g_lock);
  int n = g_calls[i];
  pthread_mutex_unlock(&g_lock);
  return n;
}

EXPORT void StandinResetCalls(void) {
  pthread_mutex_lock(&g_lock);
  memset(g_calls, 0, sizeof g_calls);
  g_last_call[0] = 0;
  pthread_mutex_unlock(&g_lock);
}

/** JSON of the last GetChatData/GetMediaData arguments (proxy, passwd, timeout…), so tests see what crossed the ABI. */
EXPORT const char* StandinLastCall(void) { return g_last_call; }

EXPORT long long StandinLiveAllocations(void) { return __atomic_load_n(&g_live_allocs, __ATOMIC_SEQ_CST); }
EXPORT int StandinLiveSdks(void) { return __atomic_load_n(&g_live_sdks, __ATOMIC_SEQ_CST); }
