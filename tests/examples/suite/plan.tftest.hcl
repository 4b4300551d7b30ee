# Every example plans with a mocked provider (offline): its inputs pass every module's
# validation and the configuration is complete. tests/examples/test_examples.py runs this file
# from each examples/<case>/ with -var build_dir=<a folder of stand-in zips>.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

run "plans" {
  command = plan

  assert {
    condition     = aws_lambda_layer_version.powertools.filename == "${var.build_dir}/layers/powertools.zip"
    error_message = "the example deploys the powertools layer built by make build"
  }
}
