# A private, encrypted S3 bucket: public access blocked, ACLs disabled (bucket owner enforced),
# default encryption (SSE-S3, or SSE-KMS with a bucket key) and versioning.

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket; a per-account choice of the caller.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-team disaster-recovery choice, not a default.
  #checkov:skip=CKV2_AWS_62:Event notifications are configured by the calling module.
  #checkov:skip=CKV2_AWS_61:Lifecycle rules depend on the data kept; the calling module adds them.
  #checkov:skip=CKV_AWS_21:Versioning is set by aws_s3_bucket_versioning below (an input, on by default).
  #checkov:skip=CKV_AWS_145:SSE-S3 by default; SSE-KMS when kms_key_arn is set.

  bucket        = var.name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

# TLS only: every request made over plain HTTP is refused, whoever makes it.
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.bucket
  policy = data.aws_iam_policy_document.this.json

  # S3 refuses concurrent changes to one bucket's configuration; the public access block goes first.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
