// Loaded before every test file: Node 20 lacks Promise.withResolvers, which js-libp2p 3 uses.
import "../chain/src/util/polyfills.js";
