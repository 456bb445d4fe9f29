/*
 * The Finance SDK stand-in's readers: a minimal JSON parser for its fixture
 * file and a strict base64 decoder. Included once by finance_sdk_standin.c,
 * so the stand-in stays one translation unit built by one gcc command.
 */
#ifndef STANDIN_JSON_H
#define STANDIN_JSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- minimal JSON reader for the fixture ---------- */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;
typedef struct jv {
  jtype t;
  char* str;           /* J_STR: UTF-8, NUL-terminated; J_NUM: the literal */
  size_t n;            /* J_ARR/J_OBJ: item count */
  struct jv* items;    /* J_ARR/J_OBJ */
  char** keys;         /* J_OBJ */
} jv;

typedef struct { const char* p; const char* end; const char* err; int depth; } jparser;

static void jv_free(jv* v) {
  if (!v) return;
  free(v->str);
  for (size_t i = 0; i < v->n; i++) {
    jv_free(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
}

static void jskip(jparser* j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int jvalue(jparser* j, jv* out);

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int jhex4(jparser* j, unsigned* out) {
  if (j->end - j->p < 4) return 0;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(j->p[i]);
    if (h < 0) return 0;
    v = v * 16 + (unsigned)h;
  }
  j->p += 4;
  *out = v;
  return 1;
}

static int jstring(jparser* j, char** out) {
  j->p++; /* opening quote */
  size_t cap = 64, len = 0;
  char* s = malloc(cap);
  if (!s) { j->err = "out of memory"; return 0; }
  while (j->p < j->end && *j->p != '"') {
    if (len + 5 > cap) { cap *= 2; char* t = realloc(s, cap); if (!t) { free(s); j->err = "out of memory"; return 0; } s = t; }
    unsigned char c = (unsigned char)*j->p++;
    if (c < 0x20) { free(s); j->err = "control character in string"; return 0; }
    if (c != '\\') { s[len++] = (char)c; continue; }
    if (j->p >= j->end) break;
    char e = *j->p++;
    unsigned cp;
    switch (e) {
      case '"': s[len++] = '"'; break;
      case '\\': s[len++] = '\\'; break;
      case '/': s[len++] = '/'; break;
      case 'b': s[len++] = '\b'; break;
      case 'f': s[len++] = '\f'; break;
      case 'n': s[len++] = '\n'; break;
      case 'r': s[len++] = '\r'; break;
      case 't': s[len++] = '\t'; break;
      case 'u':
        if (!jhex4(j, &cp)) { free(s); j->err = "bad \\u escape"; return 0; }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo;
          if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u') { free(s); j->err = "lone surrogate"; return 0; }
          j->p += 2;
          if (!jhex4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF) { free(s); j->err = "lone surrogate"; return 0; }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp == 0) { free(s); j->err = "NUL in string"; return 0; }
        if (cp < 0x80) s[len++] = (char)cp;
        else if (cp < 0x800) { s[len++] = (char)(0xC0 | (cp >> 6)); s[len++] = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { s[len++] = (char)(0xE0 | (cp >> 12)); s[len++] = (char)(0x80 | ((cp >> 6) & 0x3F)); s[len++] = (char)(0x80 | (cp & 0x3F)); }
        else { s[len++] = (char)(0xF0 | (cp >> 18)); s[len++] = (char)(0x80 | ((cp >> 12) & 0x3F)); s[len++] = (char)(0x80 | ((cp >> 6) & 0x3F)); s[len++] = (char)(0x80 | (cp & 0x3F)); }
        break;
      default: free(s); j->err = "bad escape"; return 0;
    }
  }
  if (j->p >= j->end) { free(s); j->err = "unterminated string"; return 0; }
  j->p++; /* closing quote */
  s[len] = 0;
  *out = s;
  return 1;
}

static int jcontainer(jparser* j, jv* out, int is_obj) {
  if (++j->depth > 32) { j->err = "nested too deeply"; return 0; }
  out->t = is_obj ? J_OBJ : J_ARR;
  j->p++;
  jskip(j);
  size_t cap = 0;
  if (j->p < j->end && *j->p == (is_obj ? '}' : ']')) { j->p++; j->depth--; return 1; }
  for (;;) {
    if (out->n == cap) {
      cap = cap ? cap * 2 : 8;
      jv* items = realloc(out->items, cap * sizeof *items);
      char** keys = is_obj ? realloc(out->keys, cap * sizeof *keys) : NULL;
      if (items) out->items = items;
      if (keys) out->keys = keys;
      if (!items || (is_obj && !keys)) { j->err = "out of memory"; return 0; }
    }
    jv* item = &out->items[out->n];
    memset(item, 0, sizeof *item);
    if (is_obj) {
      out->keys[out->n] = NULL;
      jskip(j);
      if (j->p >= j->end || *j->p != '"') { j->err = "expected a key"; return 0; }
      out->n++;
      if (!jstring(j, &out->keys[out->n - 1])) return 0;
      jskip(j);
      if (j->p >= j->end || *j->p != ':') { j->err = "expected ':'"; return 0; }
      j->p++;
    } else {
      out->n++;
    }
    if (!jvalue(j, item)) return 0;
    jskip(j);
    if (j->p < j->end && *j->p == ',') { j->p++; continue; }
    if (j->p < j->end && *j->p == (is_obj ? '}' : ']')) { j->p++; j->depth--; return 1; }
    j->err = is_obj ? "expected ',' or '}'" : "expected ',' or ']'";
    return 0;
  }
}

static int jvalue(jparser* j, jv* out) {
  jskip(j);
  if (j->p >= j->end) { j->err = "unexpected end"; return 0; }
  char c = *j->p;
  if (c == '{' || c == '[') return jcontainer(j, out, c == '{');
  if (c == '"') { out->t = J_STR; return jstring(j, &out->str); }
  if (j->end - j->p >= 4 && !strncmp(j->p, "null", 4)) { out->t = J_NULL; j->p += 4; return 1; }
  if (j->end - j->p >= 4 && !strncmp(j->p, "true", 4)) { out->t = J_BOOL; j->p += 4; return 1; }
  if (j->end - j->p >= 5 && !strncmp(j->p, "false", 5)) { out->t = J_BOOL; j->p += 5; return 1; }
  if (c == '-' || (c >= '0' && c <= '9')) {
    const char* start = j->p;
    while (j->p < j->end && strchr("+-0123456789.eE", *j->p)) j->p++;
    out->t = J_NUM;
    out->str = strndup(start, (size_t)(j->p - start));
    if (!out->str) { j->err = "out of memory"; return 0; }
    return 1;
  }
  j->err = "unexpected character";
  return 0;
}

static const jv* jget(const jv* obj, const char* key) {
  if (!obj || obj->t != J_OBJ) return NULL;
  for (size_t i = 0; i < obj->n; i++)
    if (obj->keys[i] && strcmp(obj->keys[i], key) == 0) return &obj->items[i];
  return NULL;
}

/* A non-negative integer literal without sign, fraction or exponent. */
static int juint(const jv* v, unsigned long long* out) {
  if (!v || v->t != J_NUM || !v->str[0]) return 0;
  for (const char* c = v->str; *c; c++)
    if (*c < '0' || *c > '9') return 0;
  char* end;
  *out = strtoull(v->str, &end, 10);
  return *end == 0;
}

/* ---------- base64 ---------- */

static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Strict standard base64 with padding; *out comes from alloc_fn (counted or not) and is released with free_fn on failure. */
static int b64decode(const char* s, unsigned char** out, size_t* out_len, void* (*alloc_fn)(size_t), void (*free_fn)(void*)) {
  size_t n = strlen(s);
  if (n % 4) return 0;
  size_t pad = (n && s[n - 1] == '=') + (n > 1 && s[n - 2] == '=');
  size_t len = n / 4 * 3 - pad;
  unsigned char* p = alloc_fn(len + 1);
  if (!p) return 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    for (int k = 0; k < 4; k++) {
      unsigned char c = (unsigned char)s[i + k];
      v[k] = (c == '=' && i + k >= n - pad) ? 0 : b64val(c);
      if (v[k] < 0) { free_fn(p); return 0; }
    }
    unsigned triple = (unsigned)(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    if (o < len) p[o++] = (unsigned char)(triple >> 16);
    if (o < len) p[o++] = (unsigned char)(triple >> 8);
    if (o < len) p[o++] = (unsigned char)triple;
  }
  *out = p;
  *out_len = len;
  return 1;
}

#endif
