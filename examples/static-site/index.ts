// StaticSite: a single-page app (the bundler's output in ./site) on CloudFront
// from a private bucket, with the renditions of an ImagePipeline under
// /media/renders/* on the same domain.
import * as pulumi from "@pulumi/pulumi";
import { cloudFrontReadStatement, ImagePipeline, StaticSite } from "@aws-webapp/aws-webapp";

const images = new ImagePipeline("images");
const site = new StaticSite("web", {
    siteDir: "site", // e.g. `vite build --outDir site`: index.html and its assets
    mediaBucketName: images.rendersBucketName,
});

// A bucket has one policy: the program that owns the renditions bucket's
// policy adds this statement (CloudFront may read renders/*, for this
// distribution only) to it.
export const mediaStatement = pulumi
    .all([images.rendersBucketArn, site.distributionArn])
    .apply(([bucketArn, distributionArn]) =>
        cloudFrontReadStatement({ bucketArn, distributionArn, prefix: "renders/" }),
    );
export const url = site.url;
