// Owns IAM's outbound identity federation switch: EnableOutboundWebIdentityFederation gives the account
// its issuer (a unique URL whose discovery document and JWKS iamlocal serves, src/oidc/outbound-token.ts)
// and lets its principals call sts:GetWebIdentityToken; Disable turns JWT vending off (the issuer and
// keys stay, so re-enabling keeps the URL); GetOutboundWebIdentityFederationInfo reports both.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableOutboundWebIdentityFederation.html
import { awsError } from '../../aws/errors';
import { generateOutboundKeys, outboundIssuer } from '../../oidc/outbound-token';
import { defineOperation } from '../types';
import { accountOf, noInput } from './common';

export const outboundErrors = {
  enabled: () =>
    awsError('FeatureEnabled', 'The request failed because outbound identity federation is already enabled for your Amazon Web Services account. You cannot enable the feature multiple times. To fetch the current configuration (including the unique issuer URL), use the GetOutboundWebIdentityFederationInfo operation.'),
  disabled: () =>
    awsError('FeatureDisabled', 'The request failed because outbound identity federation is already disabled for your Amazon Web Services account. You cannot disable the feature multiple times'),
};

export const enableOutboundWebIdentityFederation = defineOperation({
  name: 'EnableOutboundWebIdentityFederation',
  service: 'iam',
  action: 'iam:EnableOutboundWebIdentityFederation',
  mutating: true,
  input: noInput,
  resource: () => '*',
  handler(_input, call) {
    const account = accountOf(call);
    const repo = call.store.accountFeatures;
    const existing = repo.outbound(account);
    if (existing?.enabled) throw outboundErrors.enabled();
    if (existing) repo.setOutboundEnabled(account, true);
    else repo.putOutbound({ accountId: account, issuerId: call.ids.requestId(), enabled: true, ...generateOutboundKeys(), createdAt: call.now.toISOString() });
    return { IssuerIdentifier: outboundIssuer(repo.outbound(account)!.issuerId) };
  },
});

export const disableOutboundWebIdentityFederation = defineOperation({
  name: 'DisableOutboundWebIdentityFederation',
  service: 'iam',
  action: 'iam:DisableOutboundWebIdentityFederation',
  mutating: true,
  input: noInput,
  resource: () => '*',
  handler(_input, call) {
    const account = accountOf(call);
    if (!call.store.accountFeatures.outbound(account)?.enabled) throw outboundErrors.disabled();
    call.store.accountFeatures.setOutboundEnabled(account, false);
    return undefined;
  },
});

export const getOutboundWebIdentityFederationInfo = defineOperation({
  name: 'GetOutboundWebIdentityFederationInfo',
  service: 'iam',
  action: 'iam:GetOutboundWebIdentityFederationInfo',
  mutating: false,
  input: noInput,
  resource: () => '*',
  handler(_input, call) {
    const o = call.store.accountFeatures.outbound(accountOf(call));
    // Never enabled: the feature is off and there is no issuer to report.
    if (!o) throw outboundErrors.disabled();
    return { IssuerIdentifier: outboundIssuer(o.issuerId), JwtVendingEnabled: o.enabled };
  },
});

export const outboundFederationOperations = [enableOutboundWebIdentityFederation, disableOutboundWebIdentityFederation, getOutboundWebIdentityFederationInfo];
