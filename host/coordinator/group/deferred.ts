// A response that a later operation completes (a JoinGroup waiting for the rest of the group, a
// SyncGroup waiting for the leader's assignment).
export class Deferred<T> {
  readonly promise: Promise<T>;
  #resolve!: (v: T) => void;
  #done = false;

  constructor() {
    this.promise = new Promise<T>((resolve) => (this.#resolve = resolve));
  }

  get done(): boolean {
    return this.#done;
  }

  resolve(v: T): boolean {
    if (this.#done) return false;
    this.#done = true;
    this.#resolve(v);
    return true;
  }
}
