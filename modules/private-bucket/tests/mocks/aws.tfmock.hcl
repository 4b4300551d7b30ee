# Valid-looking values for computed attributes the AWS provider validates (ARNs).

mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::mock-bucket"
  }
}
