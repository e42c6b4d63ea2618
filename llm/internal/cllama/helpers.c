#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
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

// A crash: llama.cpp or ggml called abort() (GGML_ASSERT, an uncaught
// C++ exception, a C assert). The process cannot go on; it says so and
// exits with its own status, not Go's SIGABRT dump and status 2.
static char abort_msg[1024];

static void ggml_aborting(const char *msg) {
	size_t i = 0;
	for (; msg[i] != 0 && i < sizeof(abort_msg) - 1; i++) {
		abort_msg[i] = msg[i];
	}
	abort_msg[i] = 0;
}

static void say(const char *s) {
	size_t n = 0;
	while (s[n] != 0) {
		n++;
	}
	while (n > 0) {
		ssize_t w = write(2, s, n);
		if (w <= 0) {
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void on_abort(int sig) {
	(void)sig;
	say("\nbatos: crashed: llama.cpp aborted the process");
	if (abort_msg[0] != 0) {
		say(" (");
		say(abort_msg);
		say(")");
	}
	say(". This is a bug in batos's checks of the model's input; please report it with the model and the request.\n");
	_exit(BATOS_EXIT_CRASH);
}

void batos_crash_init(void) {
	ggml_set_abort_callback(ggml_aborting);
	struct sigaction sa;
	sa.sa_handler = on_abort;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_ONSTACK; // Go's threads run signal handlers on their signal stacks
	sigaction(SIGABRT, &sa, NULL);
}

void batos_crash_for_test(void) { ggml_abort("helpers.c", __LINE__, "a crash asked for by a test"); }

// A GPU backend library (libggml-cuda.so) links its own copy of ggml's
// base library (libggml-base.so.0), whose log and abort hooks are not the
// ones batos set in the ggml compiled into it. batos_route_backend_logs
// finds every loaded libggml-base and points its hooks at batos's, so the
// backend's log lines reach the same capture (and its aborts the same
// message). It returns how many libraries it routed.
static int routed;

static int route_one(struct dl_phdr_info *info, size_t size, void *data) {
	(void)size;
	(void)data;
	const char *name = info->dlpi_name;
	if (name == NULL || strstr(name, "libggml-base") == NULL) {
		return 0;
	}
	void *h = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
	if (h == NULL) {
		return 0;
	}
	void (*log_set)(ggml_log_callback, void *) = (void (*)(ggml_log_callback, void *))dlsym(h, "ggml_log_set");
	ggml_abort_callback_t (*abort_set)(ggml_abort_callback_t) = (ggml_abort_callback_t(*)(ggml_abort_callback_t))dlsym(h, "ggml_set_abort_callback");
	if (log_set != NULL) {
		log_set(batos_log, NULL);
		routed++;
	}
	if (abort_set != NULL) {
		abort_set(ggml_aborting);
	}
	dlclose(h); // RTLD_NOLOAD took a reference; the library stays loaded
	return 0;
}

int batos_route_backend_logs(void) {
	routed = 0;
	dl_iterate_phdr(route_one, NULL);
	return routed;
}

bool batos_abort_cb(void *data) { return __atomic_load_n((int *)data, __ATOMIC_RELAXED) != 0; }

int *batos_flag_new(void) { return calloc(1, sizeof(int)); }

void batos_flag_set(int *flag, int v) { __atomic_store_n(flag, v, __ATOMIC_RELAXED); }

static pthread_mutex_t env_mu = PTHREAD_MUTEX_INITIALIZER;

struct llama_context *batos_init_context(struct llama_model *m, struct llama_context_params p, bool no_reuse) {
	if (!no_reuse) {
		return llama_init_from_model(m, p);
	}
	pthread_mutex_lock(&env_mu);
	const char *v = getenv("LLAMA_GRAPH_REUSE_DISABLE");
	char *old = v != NULL ? strdup(v) : NULL;
	setenv("LLAMA_GRAPH_REUSE_DISABLE", "1", 1);
	struct llama_context *c = llama_init_from_model(m, p);
	if (old != NULL) {
		setenv("LLAMA_GRAPH_REUSE_DISABLE", old, 1);
		free(old);
	} else {
		unsetenv("LLAMA_GRAPH_REUSE_DISABLE");
	}
	pthread_mutex_unlock(&env_mu);
	return c;
}

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

// fill loads the logits into the candidate buffer; it reports false when
// one is NaN or +Inf (broken weights), which the samplers cannot handle.
static bool fill(batos_sampler *s, const float *logits, llama_token_data_array *arr) {
	bool finite = true;
	for (int32_t i = 0; i < s->n_vocab; i++) {
		float l = logits[i];
		if (isnan(l) || (isinf(l) && l > 0)) {
			finite = false;
		}
		s->cur[i].id = i;
		s->cur[i].logit = l;
		s->cur[i].p = 0.0f;
	}
	arr->data = s->cur;
	arr->size = (size_t)s->n_vocab;
	arr->selected = -1;
	arr->sorted = false;
	return finite;
}

static bool masked(float l) { return isinf(l) && l < 0; }

// live counts the candidates that can still be chosen (a logit above
// -Inf). The dist sampler must never see none: it asserts, or without
// asserts picks a banned token, which the grammar then throws on.
static int64_t live(const llama_token_data_array *arr) {
	int64_t n = 0;
	for (size_t i = 0; i < arr->size; i++) {
		n += !masked(arr->data[i].logit);
	}
	return n;
}

// allowed checks one token against the grammar.
static bool allowed(batos_sampler *s, llama_token id) {
	llama_token_data one = {id, 1.0f, 0.0f};
	llama_token_data_array single = {&one, 1, -1, false};
	llama_sampler_apply(s->grammar, &single);
	return !masked(one.logit);
}

// pick runs the chain and the selector on arr; with a grammar it is
// applied to every candidate first. It returns the chosen token or a
// BATOS_* error.
static llama_token pick(batos_sampler *s, llama_token_data_array *arr, bool grammar) {
	if (grammar) {
		llama_sampler_apply(s->grammar, arr);
		if (live(arr) == 0) {
			return BATOS_DEAD;
		}
	}
	llama_sampler_apply(s->chain, arr);
	if (live(arr) == 0) {
		// Only bans (ignoreEOG) can mask every token the grammar allows.
		return grammar ? BATOS_DEAD : BATOS_NONE;
	}
	llama_sampler_apply(s->selector, arr);
	if (arr->selected < 0 || arr->selected >= (int64_t)arr->size || masked(arr->data[arr->selected].logit)) {
		return BATOS_NONE;
	}
	return arr->data[arr->selected].id;
}

llama_token batos_sample(batos_sampler *s, struct llama_context *ctx, int32_t idx) {
	const float *logits = llama_get_logits_ith(ctx, idx);
	if (logits == NULL) {
		return BATOS_NONE;
	}
	llama_token_data_array arr;
	if (!fill(s, logits, &arr)) {
		return BATOS_NONFINITE;
	}
	s->steps++;
	bool first = s->grammar != NULL && s->grammar_first;
	llama_token id = pick(s, &arr, first);
	if (id < 0) {
		return id;
	}
	if (s->grammar != NULL && !first && !allowed(s, id)) {
		// Rejection sampling among the chain's candidates (top-k/top-p
		// may have kept only a few), until they run out or after
		// BATOS_REJECTS tries; then the grammar-masked distribution over
		// the whole vocabulary.
		s->resampled++;
		bool found = false;
		int64_t left = live(&arr);
		for (int tries = 0; tries < BATOS_REJECTS; tries++) {
			arr.data[arr.selected].logit = -INFINITY;
			if (--left <= 0) {
				break;
			}
			arr.selected = -1;
			arr.sorted = false; // the samplers trust a sorted array's first logit
			llama_sampler_apply(s->selector, &arr);
			if (arr.selected < 0 || arr.selected >= (int64_t)arr.size || masked(arr.data[arr.selected].logit)) {
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
			id = pick(s, &arr, true);
			if (id < 0) {
				return id;
			}
		}
	}
	if (s->grammar != NULL) {
		llama_sampler_accept(s->grammar, id);
	}
	llama_sampler_accept(s->chain, id);
	llama_sampler_accept(s->selector, id);
	return id;
}
