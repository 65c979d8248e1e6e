/* Emits `sample` events from two threads. Usage: `app N [no-empties]`: N events in all,
 * numbered 0..N-1, even numbers from worker 0 and odd ones from worker 1, every field a
 * function of the number (see tp.h). Every tenth text and every fourth sequence is empty,
 * unless `no-empties` is given. Each worker pauses 200 ms halfway, longer than the 27 bits
 * of clock a compact event header holds. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tp.h"

static unsigned total;
static int no_empties;

static void *work(void *arg)
{
    unsigned worker = (unsigned)(size_t)arg;
    char text[32];
    for (unsigned k = worker; k < total; k += 2) {
        if (k / 2 == total / 4) {
            struct timespec pause = { 0, 200 * 1000 * 1000 };
            nanosleep(&pause, NULL);
        }
        int32_t triple[3] = { (int32_t)k, -(int32_t)k, (int32_t)(2 * k) };
        /* 0 to 3 elements (1 to 3 without empties): bytes k, k+1, ... and letters from
         * 'a' + k % 26 on. */
        unsigned nbytes = no_empties ? 1 + k % 3u : k % 4u;
        uint8_t bytes[3];
        char label[3];
        for (unsigned j = 0; j < nbytes; j++) {
            bytes[j] = (uint8_t)(k + j);
            label[j] = (char)('a' + (k + j) % 26u);
        }
        if (k % 10u == 0 && !no_empties)
            text[0] = '\0';
        else
            snprintf(text, sizeof text, "req-%u", k);
        lttng_ust_tracepoint(lttng_tui_test, sample, k, worker, text, triple, bytes, label,
                             nbytes);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t threads[2];
    total = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
    no_empties = argc > 2 && strcmp(argv[2], "no-empties") == 0;
    for (size_t i = 0; i < 2; i++)
        if (pthread_create(&threads[i], NULL, work, (void *)i) != 0)
            return 1;
    for (size_t i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    return 0;
}
