/** Code rules: pure, no I/O. The call host applies them against the store. */
export { CODE_RULES, type CodeRules, type RandomInt, codeHmac, generateCode, hmacsEqual, isWellFormedCode } from './code-rules';
export { type CheckInput, type CheckVerdict, type SendInput, type StoredCode, checkEntry, expiryFor, maySend } from './code-checks';
