#ifndef PAYDESK_MAPPED_FILE_H
#define PAYDESK_MAPPED_FILE_H
// A store file mapped read-only, guarded against SIGBUS.
//
// Mapping a file skips copying it into fresh memory (for a 200 MB store that copy cost more than reading it),
// but if another program cuts the file short while it is mapped, touching a lost page raises SIGBUS, which
// would kill paydesk without a word. A guarded mapping survives: the lost pages read as zeros from then on,
// and paydesk_mapping_was_cut says so, so the reader can report it and refuse to use what it read.
#include <stddef.h>
#include <stdbool.h>

// Maps the first `length` bytes (> 0) of `fd`. Returns a slot (>= 0) and sets *base; or -1 with errno set
// (EMFILE when every slot is taken): the caller reads the file instead.
int paydesk_map_file(int fd, size_t length, const unsigned char **base);

// Whether the file was cut short under the mapping in `slot` since it was mapped.
bool paydesk_mapping_was_cut(int slot);

// Unmaps `slot` and frees it.
void paydesk_unmap_file(int slot);
#endif
