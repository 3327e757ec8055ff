// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: maps of 32-bit keys, and the process's one table of
 * HLINEAPP, HLINE and HCALL values (under lt_lock).
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static uint32_t lt_hash(uint32_t key, uint32_t nbuckets)
{
	return (key * 2654435761u) & (nbuckets - 1);
}

void *lt_map_get(const struct lt_map *m, uint32_t key)
{
	struct lt_map_ent *e;

	if (!m->nbuckets)
		return NULL;
	for (e = m->b[lt_hash(key, m->nbuckets)]; e; e = e->next)
		if (e->key == key)
			return e->ptr;
	return NULL;
}

#define LT_MAP_MIN 16

/* Rehashes @m into @n buckets (a power of two). */
static int lt_map_resize(struct lt_map *m, uint32_t n)
{
	struct lt_map_ent **b = calloc(n, sizeof(*b));
	uint32_t i;

	if (!b)
		return -ENOMEM;
	for (i = 0; i < m->nbuckets; i++) {
		while (m->b[i]) {
			struct lt_map_ent *e = m->b[i];

			m->b[i] = e->next;
			e->next = b[lt_hash(e->key, n)];
			b[lt_hash(e->key, n)] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nbuckets = n;
	return 0;
}

int lt_map_put(struct lt_map *m, uint32_t key, void *ptr)
{
	struct lt_map_ent *e;
	uint32_t i;

	if (lt_map_get(m, key))
		return -EEXIST;
	/* A full map doubles; without memory it only gets slower. */
	if (m->count >= m->nbuckets &&
	    lt_map_resize(m, m->nbuckets ? m->nbuckets * 2 : LT_MAP_MIN) &&
	    !m->nbuckets)
		return -ENOMEM;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	i = lt_hash(key, m->nbuckets);
	e->key = key;
	e->ptr = ptr;
	e->next = m->b[i];
	m->b[i] = e;
	m->count++;
	return 0;
}

void *lt_map_del(struct lt_map *m, uint32_t key)
{
	struct lt_map_ent **p, *e;
	void *ptr;

	if (!m->nbuckets)
		return NULL;
	for (p = &m->b[lt_hash(key, m->nbuckets)]; (e = *p); p = &e->next) {
		if (e->key != key)
			continue;
		*p = e->next;
		ptr = e->ptr;
		free(e);
		m->count--;
		/* A map a quarter full halves: what a burst grew goes back. */
		if (m->nbuckets > LT_MAP_MIN && m->count < m->nbuckets / 4)
			lt_map_resize(m, m->nbuckets / 2);
		return ptr;
	}
	return NULL;
}

void lt_map_free(struct lt_map *m)
{
	uint32_t i;

	for (i = 0; i < m->nbuckets; i++) {
		while (m->b[i]) {
			struct lt_map_ent *e = m->b[i];

			m->b[i] = e->next;
			free(e);
		}
	}
	free(m->b);
	m->b = NULL;
	m->nbuckets = 0;
	m->count = 0;
}

/* The table: a handle's value -> (kind, object). */
struct lt_hent {
	enum lt_kind kind;
	void *ptr;
};

static struct lt_map lt_handles;
static uint32_t lt_next_handle = 1;

#define LT_HANDLE_MAX 0x7fffffffu

uint32_t lt_handle_new(enum lt_kind kind, void *ptr)
{
	struct lt_hent *he;
	uint32_t h;

	if (lt_handles.count >= LT_HANDLE_MAX)
		return 0;
	he = malloc(sizeof(*he));
	if (!he)
		return 0;
	he->kind = kind;
	he->ptr = ptr;
	for (;;) {
		h = lt_next_handle;
		lt_next_handle = h == LT_HANDLE_MAX ? 1 : h + 1;
		if (!lt_map_get(&lt_handles, h))
			break;
	}
	if (lt_map_put(&lt_handles, h, he)) {
		free(he);
		return 0;
	}
	return h;
}

void *lt_handle_get(uint32_t h, enum lt_kind kind)
{
	struct lt_hent *he = lt_map_get(&lt_handles, h);

	return he && he->kind == kind ? he->ptr : NULL;
}

void lt_handle_del(uint32_t h)
{
	free(lt_map_del(&lt_handles, h));
}

unsigned int lt_handle_count(void)
{
	return lt_handles.count;
}

void lt_handles_reset(void)
{
	if (!lt_handles.count)
		lt_map_free(&lt_handles);
}
