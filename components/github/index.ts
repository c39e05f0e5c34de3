// GitHub Actions deploy access: IAM OIDC provider for GitHub's token issuer and a role scoped to one repository.
export * from "./githubDeployRole";
export * from "./trustPolicy";
export * from "./deployPolicy";
export * from "./permissionsBoundary";
