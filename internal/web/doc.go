// Package web serves the pages people open in a browser: the public page of an
// issued badge (/badges/{token}), which shows what was earned, from whom and whether
// it verifies right now, and the /verify page, where anyone can check a credential
// they were given (pasted, uploaded as a file or baked image, or named by URL).
//
// The pages are server-rendered html/template, work without JavaScript, and are sent
// with a strict Content-Security-Policy (no inline script or style; one optional
// same-origin script adds a Copy button and fills in the manage form). The badge page runs the verifier on each
// view, reusing a report for a short while (Options.CacheTTL), and answers the same
// URL with the credential itself when asked for JSON or a JWT (content negotiation),
// as the Open Badges implementation guide recommends for share URLs.
//
// web does not store anything and does not decide who may see a badge: the caller's
// BadgeSource returns the badge for a page token (or ErrNotFound), and a hidden badge
// is answered 404. When the BadgeSource is also a BadgeManager, the badge's
// recipient can hide and show its page at /badges/{token}/manage with a manage key
// posted in a form (the key is never taken from the URL); web only relays the key,
// the BadgeManager checks it. Images supplied by issuers or uploaded by strangers are never
// written into a page: they are referenced by <img src> only, and SVG is served with
// a Content-Security-Policy that forbids scripts and as an attachment.
package web
