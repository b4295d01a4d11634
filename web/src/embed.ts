// The page inside an ATS's iframe (/embed/{org_slug}): which organisation's page this is, and whether the host
// page delegated the microphone (`<iframe allow="microphone; autoplay">`).

export function embeddedSlug(pathname: string): string | null {
  const m = /^\/embed\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/.exec(pathname);
  return m ? m[1] : null;
}

export function inFrame(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true; // a cross-origin parent: certainly framed
  }
}

interface PolicyLike {
  allowsFeature(feature: string): boolean;
}

/** False when the page's permissions policy (set by the embedding iframe) forbids the microphone; null when the
 * browser does not say (the permission prompt will tell). */
export function microphoneAllowed(doc: Document = document): boolean | null {
  const d = doc as Document & { permissionsPolicy?: PolicyLike; featurePolicy?: PolicyLike };
  const policy = d.permissionsPolicy ?? d.featurePolicy;
  if (!policy || typeof policy.allowsFeature !== "function") return null;
  try {
    return policy.allowsFeature("microphone");
  } catch {
    return null;
  }
}

export const MISSING_ALLOW =
  'The page showing this interview does not let it use your microphone. The site needs to add allow="microphone; ' +
  'autoplay" to its iframe. Until then, open the interview in its own tab.';
