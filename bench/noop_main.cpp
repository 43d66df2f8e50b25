// The yardstick for the gate's whole-process latency: a static executable that does nothing.
// Built with the same compiler and flags, so the difference to spawngate is the gate's own work.
int main() {
    return 0;
}
