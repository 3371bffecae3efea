#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// Swift 6 refuses to touch readline's mutable C globals ("not concurrency-safe"), so the REPL
// reads and writes them through these small functions instead.

static inline void peer_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void peer_rl_set_catch_signals(int on) { rl_catch_signals = on; }
static inline void peer_rl_set_catch_sigwinch(int on) { rl_catch_sigwinch = on; }
static inline void peer_rl_set_attempted_completion_function(rl_completion_func_t *f) {
  rl_attempted_completion_function = f;
}
static inline void peer_rl_set_attempted_completion_over(int over) { rl_attempted_completion_over = over; }
static inline void peer_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void peer_rl_set_completer_word_break_characters(const char *s) {
  rl_completer_word_break_characters = (char *)s;
  rl_basic_word_break_characters = s;
}
static inline void peer_rl_set_completion_suppress_quote(int on) { rl_completion_suppress_quote = on; }
/// The whole line being edited, for completion that needs what comes before the word.
static inline const char *peer_rl_line_buffer(void) { return rl_line_buffer; }
static inline int peer_rl_point(void) { return rl_point; }
static inline int peer_history_length(void) { return history_length; }
/// The newest history entry, or NULL.
static inline const char *peer_last_history_line(void) {
  HIST_ENTRY *e = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  return e ? e->line : NULL;
}

// The C standard streams, for the same reason.
static inline FILE *peer_stdin(void) { return stdin; }
static inline FILE *peer_stdout(void) { return stdout; }
static inline FILE *peer_stderr(void) { return stderr; }
