#ifndef PAYDESK_CCURL_SHIM_H
#define PAYDESK_CCURL_SHIM_H
// One HTTP exchange through libcurl, driven from Swift. curl_easy_setopt is variadic (Swift cannot call it),
// and its callbacks are C functions, so the whole exchange lives here; Swift fills a pd_http_call, runs
// pd_http_perform on a thread of its own, and reads the results.
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

typedef struct pd_http_call {
    // In.
    const char *url;
    int get;                      // 1: a GET with no body (a lookup); 0: a POST of body
    const unsigned char *body;
    size_t body_length;
    struct curl_slist *headers;
    const char *proxy;            // "" for none: the environment's http_proxy and ALL_PROXY are ignored
    const char *ca_file;          // NULL: the system's CA bundle
    long connect_timeout_ms;
    long total_timeout_ms;
    long idle_timeout_s;
    size_t max_bytes;             // of the answer, headers and body together
    // Set from another thread to stop the exchange.
    int stop;                     // read and written with __atomic builtins only
    // Out.
    unsigned char *data;
    size_t data_length;
    size_t data_capacity;
    char *head;                   // the last response's header lines, as received
    size_t head_length;
    size_t head_capacity;
    size_t received;
    int too_large;
    long status;
    int curl_code;
    int request_may_have_left;    // the connection (and TLS handshake) was made and sending began
    int stopped;
    char error[CURL_ERROR_SIZE];
} pd_http_call;

static inline int pd_http_grow(unsigned char **buffer, size_t *length, size_t *capacity, const void *bytes, size_t n) {
    if (*length + n > *capacity) {
        size_t wanted = *capacity ? *capacity * 2 : 4096;
        while (wanted < *length + n) wanted *= 2;
        unsigned char *grown = (unsigned char *)realloc(*buffer, wanted);
        if (!grown) return 0;
        *buffer = grown;
        *capacity = wanted;
    }
    memcpy(*buffer + *length, bytes, n);
    *length += n;
    return 1;
}

static size_t pd_http_on_body(char *bytes, size_t size, size_t count, void *user) {
    pd_http_call *call = (pd_http_call *)user;
    size_t n = size * count;
    call->received += n;
    if (call->received > call->max_bytes) { call->too_large = 1; return 0; }   // 0 ends the transfer
    if (!pd_http_grow(&call->data, &call->data_length, &call->data_capacity, bytes, n)) return 0;
    return n;
}

static size_t pd_http_on_header(char *bytes, size_t size, size_t count, void *user) {
    pd_http_call *call = (pd_http_call *)user;
    size_t n = size * count;
    call->received += n;
    if (call->received > call->max_bytes) { call->too_large = 1; return 0; }
    // A new status line (after a 100 Continue, say) starts the headers that count.
    if (n >= 5 && memcmp(bytes, "HTTP/", 5) == 0) call->head_length = 0;
    if (!pd_http_grow((unsigned char **)&call->head, &call->head_length, &call->head_capacity, bytes, n)) return 0;
    return n;
}

static int pd_http_on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d) {
    (void)a; (void)b; (void)c; (void)d;
    return __atomic_load_n(&((pd_http_call *)user)->stop, __ATOMIC_SEQ_CST) ? 1 : 0;
}

/// Asks a running exchange to stop; safe from any thread.
static inline void pd_http_request_stop(pd_http_call *call) { __atomic_store_n(&call->stop, 1, __ATOMIC_SEQ_CST); }

static inline void pd_http_global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

/// Runs the exchange to its end (or until `stop` is set). Blocking: call it on a thread of its own.
static inline void pd_http_perform(pd_http_call *call) {
    CURL *easy = curl_easy_init();
    if (!easy) { call->curl_code = CURLE_FAILED_INIT; return; }
    curl_easy_setopt(easy, CURLOPT_URL, call->url);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call->error);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy, CURLOPT_PROXY, call->proxy);
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "");   // nor does NO_PROXY take the profile's proxy away
    curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    if (call->ca_file) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, call->ca_file);
        curl_easy_setopt(easy, CURLOPT_PROXY_CAINFO, call->ca_file);
    }
    // No Accept-Encoding, and no decoding: an answer is read as it arrives, never inflated.
    curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, call->connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, call->total_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, call->idle_timeout_s);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, call->headers);
    if (call->get) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_length);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call->body_length ? (const char *)call->body : "");
    }
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, pd_http_on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, call);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, pd_http_on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, call);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, pd_http_on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, call);

    // The multi interface, so a stop is noticed within 50 ms rather than at curl's once-a-second progress call.
    CURLM *multi = curl_multi_init();
    // Only curl's own word that the transfer is done counts; anything else is a failure, never an answer.
    call->curl_code = CURLE_FAILED_INIT;
    if (!multi || curl_multi_add_handle(multi, easy) != CURLM_OK) {
        if (multi) curl_multi_cleanup(multi);
        curl_easy_cleanup(easy);
        return;
    }
    call->curl_code = CURLE_GOT_NOTHING;
    int running = 1;
    while (running) {
        if (curl_multi_perform(multi, &running) != CURLM_OK) break;
        if (!running) break;
        if (__atomic_load_n(&call->stop, __ATOMIC_SEQ_CST)) { call->stopped = 1; break; }
        if (curl_multi_poll(multi, NULL, 0, 50, NULL) != CURLM_OK) break;
    }
    int pending = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &pending))) {
        if (message->msg == CURLMSG_DONE) call->curl_code = message->data.result;
    }
    if (call->stopped) call->curl_code = CURLE_ABORTED_BY_CALLBACK;
    if (__atomic_load_n(&call->stop, __ATOMIC_SEQ_CST)) call->stopped = 1;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &call->status);
    // Set once the connection and any TLS handshake are made, as the request is handed to the socket: a
    // failure before it cannot have sent a byte of the request.
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    call->request_may_have_left = pretransfer > 0;
    curl_multi_remove_handle(multi, easy);
    curl_multi_cleanup(multi);
    curl_easy_cleanup(easy);
}

static inline void pd_http_free(pd_http_call *call) {
    free(call->data);
    free(call->head);
    call->data = NULL;
    call->head = NULL;
}
#endif
