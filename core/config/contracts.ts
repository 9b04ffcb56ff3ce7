// Per-host page contracts and sign-in flows: what proves a site's app rendered (not the maintenance page),
// written in the config so the browser suites fit any site, the lab's app included.
import { z } from 'zod';

const Path = z.string().startsWith('/').max(2_000);
const Name = z.string().min(1).max(200);

/** ARIA roles a contract may name as the landmark that proves the page rendered. */
export const Landmark = z.enum(['main', 'navigation', 'banner', 'contentinfo', 'form', 'search', 'region']);

export const PageContract = z.strictObject({
  path: Path,
  /** Accessible name (substring) of a heading the app renders on this page. */
  heading: Name.optional(),
  headingLevel: z.number().int().min(1).max(6).optional(),
  /** ARIA landmark that must be visible; default main. */
  landmark: Landmark.default('main'),
  /** Text of the page body proving it is the app (default: the host's marker). */
  marker: Name.optional(),
  /** Text the document title must contain (default: the host's title, else its marker). */
  title: Name.optional(),
  /** Part of the accessibility-tree baseline (recorded before the window, compared after). */
  baseline: z.boolean().default(true),
});
export type PageContract = z.infer<typeof PageContract>;

export const SignInFlow = z
  .strictObject({
    /** Where sign-in starts. */
    start: Path.default('/'),
    /** A link or button (accessible name) to follow first, e.g. my's "Sign in" that leads to sso. */
    via: Name.optional(),
    /** Labels of the form's fields and the submit button's name. */
    userLabel: Name.default('Email address'),
    passwordLabel: Name.default('Password'),
    submit: Name.default('Sign in'),
    /** What proves the account is signed in: a heading, a text, or a URL part (at least one). */
    success: z.strictObject({ heading: Name.optional(), text: Name.optional(), url: Name.optional() }),
  })
  .refine((f) => f.success.heading || f.success.text || f.success.url, {
    message: 'success needs a heading, a text or a url part',
    path: ['success'],
  });
export type SignInFlow = z.infer<typeof SignInFlow>;
