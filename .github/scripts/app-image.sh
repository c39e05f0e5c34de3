#!/usr/bin/env bash
# The app image a deployment or preview runs, as `<repository>@sha256:<digest>`
# on stdout (empty when the stack has no repository yet), so `pulumi preview`,
# `up` and `destroy` get it as `aws-webapp:image` and never need a Docker
# daemon.
#
#   app-image.sh push <stack>     build app/ for linux/arm64 on this (arm64)
#                                 runner and push it as git-<sha>, once per
#                                 commit: a re-run reuses the pushed digest
#                                 (the repository's tags are immutable)
#   app-image.sh current <stack>  the digest pushed last (previews: read-only)
#
# Needs the pulumi CLI logged in, AWS credentials, and for push docker buildx.
set -euo pipefail
mode=${1:?usage: app-image.sh push|current <stack>}
stack=${2:?usage: app-image.sh push|current <stack>}
sha=${GITHUB_SHA:?GITHUB_SHA is not set}

repo=$(pulumi stack output repositoryUrl --stack "$stack" 2>/dev/null || true)
if [ -z "$repo" ]; then
    echo "app-image: stack $stack has no repositoryUrl output yet (first deployment)" >&2
    exit 0
fi
name=${repo#*/}

digest_of() {
    aws ecr describe-images --repository-name "$name" --image-ids "imageTag=$1" \
        --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true
}

case "$mode" in
current)
    digest=$(aws ecr describe-images --repository-name "$name" \
        --query 'sort_by(imageDetails,&imagePushedAt)[-1].imageDigest' --output text)
    ;;
push)
    tag="git-$sha"
    digest=$(digest_of "$tag")
    if [ -z "$digest" ] || [ "$digest" = "None" ]; then
        aws ecr get-login-password | docker login --username AWS --password-stdin "${repo%%/*}" >&2
        metadata=$(mktemp)
        docker buildx build --platform linux/arm64 --file app/Dockerfile --tag "$repo:$tag" \
            --metadata-file "$metadata" --push app >&2
        digest=$(node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(m["containerimage.digest"] || "")' "$metadata")
    else
        echo "app-image: $repo:$tag was pushed already, reusing $digest" >&2
    fi
    ;;
*)
    echo "app-image: unknown mode $mode (push or current)" >&2
    exit 2
    ;;
esac

case "$digest" in
sha256:*) echo "$repo@$digest" ;;
*)
    echo "app-image: no image digest for $repo (got '$digest')" >&2
    exit 1
    ;;
esac
