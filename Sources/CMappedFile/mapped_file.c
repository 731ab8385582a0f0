#define _GNU_SOURCE
#include "mapped_file.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// The handler reads these without a lock (it may interrupt a holder): a slot is in use while its start is set.
enum { slot_count = 64 };
static _Atomic uintptr_t slot_start[slot_count];
static _Atomic size_t slot_length[slot_count];   // rounded up to whole pages
static atomic_bool slot_cut[slot_count];

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static struct sigaction previous_action;
static size_t page_size;

static void on_bus_error(int signal, siginfo_t *info, void *context) {
    (void)signal; (void)context;
    uintptr_t address = (uintptr_t)info->si_addr;
    for (int i = 0; i < slot_count; i++) {
        uintptr_t start = atomic_load(&slot_start[i]);
        size_t length = atomic_load(&slot_length[i]);
        if (start == 0 || address < start || address >= start + length) continue;
        // Zero pages over the lost part, to the mapping's end: the access is retried and the reader finishes.
        uintptr_t page = address & ~(uintptr_t)(page_size - 1);
        void *zeros = mmap((void *)page, start + length - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (zeros != MAP_FAILED) {
            atomic_store(&slot_cut[i], true);
            return;
        }
        break;
    }
    // Not a guarded mapping: give the signal back to whoever had it (the runtime's backtracer, or the default
    // action). Returning retries the access, which raises SIGBUS again under that action.
    sigaction(SIGBUS, &previous_action, NULL);
}

static void install_handler(void) {
    page_size = (size_t)sysconf(_SC_PAGESIZE);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous_action);
}

int paydesk_map_file(int fd, size_t length, const unsigned char **base) {
    pthread_once(&handler_once, install_handler);
    pthread_mutex_lock(&slots_lock);
    int slot = -1;
    for (int i = 0; i < slot_count && slot < 0; i++) {
        if (atomic_load(&slot_start[i]) == 0) slot = i;
    }
    if (slot < 0) {
        pthread_mutex_unlock(&slots_lock);
        errno = EMFILE;
        return -1;
    }
    void *mapped = mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
        int code = errno;
        pthread_mutex_unlock(&slots_lock);
        errno = code;
        return -1;
    }
    atomic_store(&slot_cut[slot], false);
    atomic_store(&slot_length[slot], (length + page_size - 1) & ~(page_size - 1));
    atomic_store(&slot_start[slot], (uintptr_t)mapped);
    pthread_mutex_unlock(&slots_lock);
    *base = mapped;
    return slot;
}

bool paydesk_mapping_was_cut(int slot) {
    return atomic_load(&slot_cut[slot]);
}

void paydesk_unmap_file(int slot) {
    pthread_mutex_lock(&slots_lock);
    void *start = (void *)atomic_load(&slot_start[slot]);
    size_t length = atomic_load(&slot_length[slot]);
    atomic_store(&slot_start[slot], 0);
    munmap(start, length);
    pthread_mutex_unlock(&slots_lock);
}
