// helpers.h: the few C functions batos's binding adds around llama.h, so
// that the per-token loop crosses cgo once per step.
#ifndef BATOS_HELPERS_H
#define BATOS_HELPERS_H

#include <stdbool.h>
#include <stdint.h>
#include "llama.h"

// batos_log_init routes llama.cpp's and ggml's logs to Go (batosLog):
// warnings and errors always, everything when verbose.
void batos_log_init(int verbose);

// batos_crash_init makes an abort in llama.cpp or ggml (GGML_ASSERT, an
// uncaught exception, a C assert) print one plain line and exit the
// process with BATOS_EXIT_CRASH.
#define BATOS_EXIT_CRASH 3
void batos_crash_init(void);

// batos_route_backend_logs points the log and abort hooks of every loaded
// libggml-base (a GPU backend's own copy of ggml) at batos's; it returns
// how many it found.
int batos_route_backend_logs(void);
void batos_crash_for_test(void);

// An abort flag for llama_decode, set from any thread.
bool batos_abort_cb(void *data);
int *batos_flag_new(void);
void batos_flag_set(int *flag, int v);

// batos_init_context is llama_init_from_model, with llama.cpp's graph
// reuse turned off when no_reuse (it reads LLAMA_GRAPH_REUSE_DISABLE when
// the context is made; the variable is set for that call only).
struct llama_context *batos_init_context(struct llama_model *m, struct llama_context_params p, bool no_reuse);

// batos_batch_fill loads tokens [0, n) at positions pos0.. of sequence 0.
// Only the last token's logits are computed unless all_logits.
void batos_batch_fill(struct llama_batch *b, const llama_token *toks, int n, int pos0, bool all_logits);

// A sampler: a chain (temperature, top-k/p, min-p, dist or greedy) and an
// optional grammar, with a candidate buffer of the vocabulary's size.
typedef struct {
	struct llama_sampler *chain;    // transforms: bans, top-k/p, min-p, temperature
	struct llama_sampler *selector; // picks: dist(seed) or greedy
	struct llama_sampler *grammar;  // NULL without a grammar
	llama_token_data *cur;
	int32_t n_vocab;
	bool grammar_first; // apply the grammar to every candidate, every step
	int32_t resampled;  // steps where the first choice broke the grammar
	int32_t steps;
} batos_sampler;

// batos_sample's errors.
#define BATOS_NONE -1      // nothing was selected
#define BATOS_DEAD -2      // the grammar allows no token (after bans)
#define BATOS_NONFINITE -3 // a logit is NaN or +Inf

// batos_sample picks the next token from the logits of batch output idx
// and accepts it, or returns a BATOS_* error. No sampler ever sees a
// candidate list without a finite logit, and the grammar only accepts
// tokens it allowed, so neither llama.cpp's asserts nor its grammar's
// exceptions can be reached from here. Without grammar_first, it samples freely and
// checks only the chosen token against the grammar; a rejected token is
// removed and the choice made again among the rest (rejection sampling,
// which draws exactly from the grammar-restricted distribution), and when
// they run out (top-k, top-p) or after BATOS_REJECTS rejections the
// grammar is applied to every candidate of the vocabulary.
#define BATOS_REJECTS 32

llama_token batos_sample(batos_sampler *s, struct llama_context *ctx, int32_t idx);

#endif
