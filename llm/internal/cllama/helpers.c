#include <math.h>
#include <stdlib.h>
#include "helpers.h"
#include "_cgo_export.h"

static int log_verbose;
static int log_last = GGML_LOG_LEVEL_NONE;

static void batos_log(enum ggml_log_level level, const char *text, void *user_data) {
	(void)user_data;
	if (level == GGML_LOG_LEVEL_CONT) {
		level = log_last;
	} else {
		log_last = level;
	}
	if (log_verbose || level >= GGML_LOG_LEVEL_WARN) {
		batosLog((int)level, (char *)text);
	}
}

void batos_log_init(int verbose) {
	log_verbose = verbose;
	llama_log_set(batos_log, NULL);
}

bool batos_abort_cb(void *data) { return __atomic_load_n((int *)data, __ATOMIC_RELAXED) != 0; }

int *batos_flag_new(void) { return calloc(1, sizeof(int)); }

void batos_flag_set(int *flag, int v) { __atomic_store_n(flag, v, __ATOMIC_RELAXED); }

void batos_batch_fill(struct llama_batch *b, const llama_token *toks, int n, int pos0, bool all_logits) {
	b->n_tokens = n;
	for (int i = 0; i < n; i++) {
		b->token[i] = toks[i];
		b->pos[i] = pos0 + i;
		b->n_seq_id[i] = 1;
		b->seq_id[i][0] = 0;
		b->logits[i] = all_logits || i == n - 1;
	}
}

static void fill(batos_sampler *s, const float *logits, llama_token_data_array *arr) {
	for (int32_t i = 0; i < s->n_vocab; i++) {
		s->cur[i].id = i;
		s->cur[i].logit = logits[i];
		s->cur[i].p = 0.0f;
	}
	arr->data = s->cur;
	arr->size = (size_t)s->n_vocab;
	arr->selected = -1;
	arr->sorted = false;
}

// dead reports that the grammar allowed no token (accepting one would
// throw inside llama.cpp, which aborts the process).
static bool dead(const llama_token_data_array *arr) {
	float l = arr->data[arr->selected].logit;
	return isinf(l) && l < 0;
}

// allowed checks one token against the grammar.
static bool allowed(batos_sampler *s, llama_token id) {
	llama_token_data one = {id, 1.0f, 0.0f};
	llama_token_data_array single = {&one, 1, -1, false};
	llama_sampler_apply(s->grammar, &single);
	return !(isinf(one.logit) && one.logit < 0);
}

static bool selected_ok(const llama_token_data_array *arr) {
	return arr->selected >= 0 && arr->selected < (int64_t)arr->size;
}

llama_token batos_sample(batos_sampler *s, struct llama_context *ctx, int32_t idx) {
	const float *logits = llama_get_logits_ith(ctx, idx);
	llama_token_data_array arr;
	fill(s, logits, &arr);
	s->steps++;
	if (s->grammar != NULL && s->grammar_first) {
		llama_sampler_apply(s->grammar, &arr);
	}
	llama_sampler_apply(s->chain, &arr);
	llama_sampler_apply(s->selector, &arr);
	if (!selected_ok(&arr)) {
		return -1;
	}
	if (s->grammar != NULL && s->grammar_first && dead(&arr)) {
		return -2;
	}
	llama_token id = arr.data[arr.selected].id;
	if (s->grammar != NULL && !s->grammar_first && !allowed(s, id)) {
		s->resampled++;
		bool found = false;
		for (int tries = 0; tries < BATOS_REJECTS; tries++) {
			arr.data[arr.selected].logit = -INFINITY;
			arr.selected = -1;
			arr.sorted = false; // the samplers trust a sorted array's first logit
			llama_sampler_apply(s->selector, &arr);
			if (!selected_ok(&arr) || dead(&arr)) {
				break;
			}
			id = arr.data[arr.selected].id;
			if (allowed(s, id)) {
				found = true;
				break;
			}
		}
		if (!found) {
			fill(s, logits, &arr);
			llama_sampler_apply(s->grammar, &arr);
			llama_sampler_apply(s->chain, &arr);
			llama_sampler_apply(s->selector, &arr);
			if (!selected_ok(&arr)) {
				return -1;
			}
			if (dead(&arr)) {
				return -2;
			}
			id = arr.data[arr.selected].id;
		}
	}
	if (s->grammar != NULL) {
		llama_sampler_accept(s->grammar, id);
	}
	llama_sampler_accept(s->chain, id);
	llama_sampler_accept(s->selector, id);
	return id;
}
