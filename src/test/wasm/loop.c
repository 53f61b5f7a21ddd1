/* loop - proves the host's timeout stops a handler that spins forever without any host call. */
int main(void) {
    volatile unsigned long spins = 0; /* volatile: the optimiser must keep every iteration */
    for (;;) spins++;
}
