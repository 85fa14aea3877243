import type { MockClient } from './clientStore'
import type { GrantType } from './mockServerOptions'
import type { FieldError } from './validation'
import { isWebUrl, redirectUrisProblems, scopeTokenPattern, stringArrayProblem } from './validation'

const grantTypeValues: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials']
const createFields = ['name', 'allowed_scopes', 'client_type', 'allowed_grant_types', 'redirect_uris', 'require_pkce', 'logo_uri', 'policy_uri', 'tos_uri']
const updateFields = createFields.filter((field) => field !== 'client_type')

/** The fields of a client a create or update request sets, in the store's names. */
export type ClientPatch = Partial<
  Pick<MockClient, 'name' | 'clientType' | 'allowedScopes' | 'allowedGrantTypes' | 'redirectUris' | 'requirePkce' | 'logoUri' | 'policyUri' | 'tosUri'>
>

/**
 * Validates a `POST` (`create`) or `PUT` (`update`) `/v2/oauth_clients` body against Telnyx's
 * `OAuthClientCreateRequest`/`OAuthClientUpdateRequest` (no additional properties). `current` is the client
 * being updated, for cross-field checks.
 */
export function parseClientInput(
  input: Record<string, unknown>,
  mode: 'create' | 'update',
  current?: MockClient,
): { ok: true; patch: ClientPatch } | { ok: false; problems: FieldError[] } {
  const problems: FieldError[] = []
  const problem = (field: string, message: string) => problems.push({ field, message })
  const allowedFields = mode === 'create' ? createFields : updateFields
  for (const field of Object.keys(input)) if (!allowedFields.includes(field)) problem(field.slice(0, 100), 'is not an allowed field')
  if (mode === 'create') {
    for (const field of ['name', 'allowed_scopes', 'client_type', 'allowed_grant_types']) {
      if (input[field] === undefined) problem(field, 'is required')
    }
  }
  const patch: ClientPatch = {}

  if (input.name !== undefined) {
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 255) {
      problem('name', 'must be a non-empty string of at most 255 characters')
    } else patch.name = input.name
  }
  if (input.client_type !== undefined && mode === 'create') {
    if (input.client_type !== 'public' && input.client_type !== 'confidential') problem('client_type', 'must be public or confidential')
    else patch.clientType = input.client_type
  }
  if (input.allowed_scopes !== undefined) {
    const arrayProblem = stringArrayProblem(input.allowed_scopes)
    const scopes = input.allowed_scopes as string[]
    if (arrayProblem) problem('allowed_scopes', arrayProblem)
    else if (scopes.length === 0 || scopes.length > 50 || !scopes.every((scope) => scopeTokenPattern.test(scope) && scope.length <= 100)) {
      problem('allowed_scopes', 'must list at least one valid scope')
    } else patch.allowedScopes = [...new Set(scopes)]
  }
  if (input.allowed_grant_types !== undefined) {
    const arrayProblem = stringArrayProblem(input.allowed_grant_types, grantTypeValues)
    if (arrayProblem) problem('allowed_grant_types', arrayProblem)
    else if ((input.allowed_grant_types as string[]).length === 0) problem('allowed_grant_types', 'must not be empty')
    else patch.allowedGrantTypes = [...new Set(input.allowed_grant_types as GrantType[])]
  }
  if (input.redirect_uris !== undefined) {
    const [first] = redirectUrisProblems(input.redirect_uris)
    if (first) problem('redirect_uris', first)
    else patch.redirectUris = [...new Set(input.redirect_uris as string[])]
  }
  if (input.require_pkce !== undefined) {
    if (typeof input.require_pkce !== 'boolean') problem('require_pkce', 'must be a boolean')
    else patch.requirePkce = input.require_pkce
  }
  for (const [field, key] of [['logo_uri', 'logoUri'], ['policy_uri', 'policyUri'], ['tos_uri', 'tosUri']] as const) {
    const value = input[field]
    if (value === undefined) continue
    if (value !== null && !isWebUrl(value)) problem(field, 'must be an absolute http(s) URL or null')
    else patch[key] = value as string | null
  }

  const clientType = patch.clientType ?? current?.clientType
  const grantTypes = patch.allowedGrantTypes ?? current?.allowedGrantTypes ?? []
  if (clientType === 'public' && grantTypes.includes('client_credentials')) {
    problem('allowed_grant_types', 'may not include client_credentials for a public client')
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, patch }
}
