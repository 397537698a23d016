export { ReferenceTarget, createReferenceTarget, REFERENCE_ADDRESS, REFERENCE_PEER_ADDRESS } from './reference-target';
