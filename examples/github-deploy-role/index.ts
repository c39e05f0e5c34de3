// GithubDeployRole: the two roles the workflows of .github/workflows assume.
// Run this once per account with administrator credentials (a bootstrap
// stack), then store the outputs as the repository variables
// AWS_DEPLOY_ROLE_ARN, AWS_PREVIEW_ROLE_ARN and AWS_PERMISSIONS_BOUNDARY_ARN.
import * as pulumi from "@pulumi/pulumi";
import { GithubDeployRole } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();
const repository = config.require("repository");

// pulumi up: pushes to main (dev) and the production environment (prod).
const deploy = new GithubDeployRole("deploy", {
    repository,
    branches: ["main"],
    environments: ["production"],
    // The stacks name their IAM roles "<stack>-...": only those can be managed.
    iamNamePrefixes: config.requireObject<string[]>("iamNamePrefixes"),
});

// pulumi preview on pull requests: read-only, reusing the provider created above.
const preview = new GithubDeployRole("preview", {
    repository,
    branches: [],
    allowPullRequests: true,
    oidcProviderArn: deploy.oidcProviderArn,
    managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    manageIamRoles: false,
});

export const deployRoleArn = deploy.roleArn;
export const previewRoleArn = preview.roleArn;
// Every role the deploy role creates must carry this boundary: the repository variable
// AWS_PERMISSIONS_BOUNDARY_ARN (the stacks' aws-webapp:permissionsBoundaryArn).
export const permissionsBoundaryArn = deploy.permissionsBoundaryArn;
