#include "run/stop_signal.hpp"

#include <signal.h>

#include <csignal>

namespace photoscore {

namespace {

// sig_atomic_t: the one type a handler may write and the program then read.
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
  if (g_stop_signal == sig) {
    // Asked twice: do what the signal would have done without us.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_stop_signal = sig;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // Blocking reads and waits restart: the flag is looked at between photos.
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

bool stop_requested() { return g_stop_signal != 0; }

std::string stop_signal_name() {
  switch (g_stop_signal) {
    case 0:
      return "";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return "signal " + std::to_string(g_stop_signal);
  }
}

}  // namespace photoscore
