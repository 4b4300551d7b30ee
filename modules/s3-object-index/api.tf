# The synchronous query API: one function behind a function URL and a REST API (v1 proxy).

module "api" {
  source = "../lambda-function"
  count  = var.api.enabled ? 1 : 0

  name                  = "${var.name}-api"
  description           = "Query API over ${aws_dynamodb_table.this.name}"
  package               = var.packages.api
  handler               = "s3_object_index_api.handler.lambda_handler"
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.functions.api.memory_size
  timeout               = var.functions.api.timeout
  layers                = [var.layers.powertools]
  reserved_concurrency  = var.functions.api.reserved_concurrency
  log_retention_in_days = var.log_retention_in_days
  tags                  = var.tags

  environment_variables = merge(var.functions.api.environment_variables, {
    TABLE_NAME              = aws_dynamodb_table.this.name
    MAX_PAGE_SIZE           = tostring(var.api.max_page_size)
    POWERTOOLS_SERVICE_NAME = "s3-object-index-api"
  })

  policy_statements = local.api_statements
}

locals {
  api_statements = concat(
    [{
      sid       = "ReadIndex"
      actions   = ["dynamodb:Query", "dynamodb:GetItem"]
      resources = [aws_dynamodb_table.this.arn]
    }],
    var.kms_key_arn == null ? [] : [{
      # DynamoDB decrypts a table encrypted with a customer managed key on the reader's behalf.
      sid       = "DecryptIndex"
      actions   = ["kms:Decrypt"]
      resources = [var.kms_key_arn]
    }],
  )
}

resource "aws_lambda_function_url" "this" {
  count = var.api.enabled ? 1 : 0

  function_name      = module.api[0].function_name
  authorization_type = "AWS_IAM"
}

resource "aws_api_gateway_rest_api" "this" {
  count = var.api.enabled ? 1 : 0

  name        = "${var.name}-api"
  description = "Query API over the S3 object index"
  tags        = var.tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "proxy" {
  count = var.api.enabled ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_rest_api.this[0].root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  count = var.api.enabled ? 1 : 0
  #checkov:skip=CKV2_AWS_53:Request validation happens in the function, which answers 400 with the reason.

  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  resource_id   = aws_api_gateway_resource.proxy[0].id
  http_method   = "ANY"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "proxy" {
  count = var.api.enabled ? 1 : 0

  rest_api_id             = aws_api_gateway_rest_api.this[0].id
  resource_id             = aws_api_gateway_resource.proxy[0].id
  http_method             = aws_api_gateway_method.proxy[0].http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = module.api[0].invoke_arn
}

resource "aws_api_gateway_deployment" "this" {
  count = var.api.enabled ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.proxy[0].id,
      aws_api_gateway_method.proxy[0].id,
      aws_api_gateway_method.proxy[0].authorization,
      aws_api_gateway_integration.proxy[0].id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  count = var.api.enabled ? 1 : 0
  #checkov:skip=CKV_AWS_158:Log encryption with a CMK is a per-team choice; kms_key_arn covers data stores.
  #checkov:skip=CKV_AWS_338:Retention is an input (log_retention_in_days); one year is not a sensible default here.

  name              = "/aws/apigateway/${var.name}-api"
  retention_in_days = var.log_retention_in_days
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  count = var.api.enabled ? 1 : 0
  #checkov:skip=CKV_AWS_120:Caching would serve stale index entries; the API is a thin read path.
  #checkov:skip=CKV_AWS_73:X-Ray tracing is a per-team choice (cost); the functions' tracing is an input of lambda-function.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; this backend is Lambda.
  #checkov:skip=CKV2_AWS_29:WAF is an account-level choice; requests are IAM-authenticated by default.
  #checkov:skip=CKV2_AWS_4:Execution logging needs the account-wide API Gateway CloudWatch role; access logs are on.

  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  deployment_id = aws_api_gateway_deployment.this[0].id
  stage_name    = var.api.stage_name
  tags          = var.tags

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access[0].arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp",
      method    = "$context.httpMethod", path = "$context.path",
      status    = "$context.status", latency = "$context.responseLatency"
    })
  }
}

resource "aws_lambda_permission" "api_gateway" {
  count = var.api.enabled ? 1 : 0

  statement_id  = "AllowRestApi"
  action        = "lambda:InvokeFunction"
  function_name = module.api[0].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/*/*"
}
