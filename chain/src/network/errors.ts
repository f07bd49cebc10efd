// Typed errors of the network layer. Each carries a one-line message a node operator can act on;
// protocol violations by a remote peer are `PeerProtocolError`s so callers can tell "the peer
// misbehaved" (score it down) from "we could not reach it" (try another).

export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NetworkError";
  }
}

/** The network configuration failed validation. */
export class NetworkConfigError extends NetworkError {
  constructor(message: string) {
    super(`invalid network config: ${message}`);
    this.name = "NetworkConfigError";
  }
}

/** The persisted node identity (private key file) cannot be read. */
export class IdentityFileError extends NetworkError {
  constructor(path: string, detail: string, cause?: unknown) {
    super(`cannot load node identity from ${path}: ${detail}`, { cause });
    this.name = "IdentityFileError";
  }
}

/** A payload is larger than the limit for its topic or protocol; nothing was sent. */
export class PayloadTooLargeError extends NetworkError {
  constructor(what: string, size: number, limit: number) {
    super(`${what} is ${size} bytes, over the ${limit}-byte limit`);
    this.name = "PayloadTooLargeError";
  }
}

/** The topic is not one of the chain's gossip topics. */
export class UnknownTopicError extends NetworkError {
  constructor(topic: string) {
    super(`unknown gossip topic: ${topic}`);
    this.name = "UnknownTopicError";
  }
}

/** A remote peer answered with malformed, oversized or otherwise invalid data. */
export class PeerProtocolError extends NetworkError {
  constructor(
    readonly peerId: string,
    readonly protocol: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`peer ${peerId} violated ${protocol}: ${detail}`, { cause });
    this.name = "PeerProtocolError";
  }
}

/** A request could not be completed (peer unreachable, stream reset, timeout). */
export class PeerRequestError extends NetworkError {
  constructor(
    readonly peerId: string,
    readonly protocol: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`request to ${peerId} over ${protocol} failed: ${detail}`, { cause });
    this.name = "PeerRequestError";
  }
}

/** The peer answered the request with an error of its own (e.g. it rejected our request). */
export class PeerRefusedError extends NetworkError {
  constructor(
    readonly peerId: string,
    readonly protocol: string,
    reason: string,
  ) {
    super(`peer ${peerId} refused ${protocol}: ${reason}`);
    this.name = "PeerRefusedError";
  }
}

/** An operation was called on a network that is not running, or in the wrong mode. */
export class NetworkStateError extends NetworkError {
  constructor(message: string) {
    super(message);
    this.name = "NetworkStateError";
  }
}

/** The caller passed arguments the protocol cannot express (negative height, bad peer id...). */
export class InvalidRequestError extends NetworkError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidRequestError";
  }
}
