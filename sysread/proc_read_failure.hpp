#pragma once
// Why a read of one /proc/PID file gave no answer. "Gone" is the ordinary outcome of a process
// that exited between the listing and the read (ENOENT, ESRCH); every other failure means the
// process is still there but could not be judged: a file that is unreadable (EACCES under
// hidepid= or an LSM, EIO), empty, or not well formed. A reader must never turn either into
// numbers a rule compares, and the reaper reports the second kind instead of skipping it silently.

#include <cerrno>
#include <cstring>
#include <string>

namespace spawngate {

enum class ProcReadFailure {
    None,
    Gone,        // the process exited (or its pid directory vanished): nothing to report
    Unreadable,  // open/read failed with `error` (EACCES, EIO, ...)
    Empty,       // the kernel never gives an empty stat or status for a live process
    Malformed,   // the text did not parse (or named another pid)
};

struct ProcReadError {
    ProcReadFailure failure = ProcReadFailure::None;
    int error = 0;  // errno, for Unreadable

    bool gone() const { return failure == ProcReadFailure::Gone; }
    // A failure other than "gone": the process exists but could not be judged.
    bool reportable() const {
        return failure != ProcReadFailure::None && failure != ProcReadFailure::Gone;
    }
};

// ENOENT and ESRCH mean the process is gone; ENOTDIR a pid directory replaced mid-scan.
inline ProcReadError proc_read_error_for(int error) {
    if (error == ENOENT || error == ESRCH || error == ENOTDIR)
        return {ProcReadFailure::Gone, error};
    return {ProcReadFailure::Unreadable, error};
}

// "permission denied", "empty", "not well formed", "gone".
inline std::string describe(const ProcReadError& read_error) {
    switch (read_error.failure) {
        case ProcReadFailure::None:
            return "read";
        case ProcReadFailure::Gone:
            return "gone";
        case ProcReadFailure::Unreadable:
            return read_error.error ? std::strerror(read_error.error) : "unreadable";
        case ProcReadFailure::Empty:
            return "empty";
        case ProcReadFailure::Malformed:
            return "not well formed";
    }
    return "unreadable";
}

}  // namespace spawngate
