// The one function of fs-native-extensions the data-folder lock uses (the package ships no types).
declare module 'fs-native-extensions' {
  /** An exclusive (or shared) OS lock on the open file: fcntl OFD locks on Linux, flock on macOS, LockFileEx on Windows. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
}
