# docker buildx bake: the site's docs image
variable "NODE" {
  default = "node:20-alpine"
}

group "default" {
  targets = ["docs"]
}

target "docs" {
  context = "web"
  contexts = {
    tools = "docker-image://alpine:3.20" # a named context BuildKit pulls
  }
  dockerfile-inline = <<-EOT
    FROM ${NODE} AS build
    COPY --from=tools /bin/busybox /bin/busybox
    RUN npm ci && npm run build
    FROM nginx:1.27-alpine
    COPY --from=build /app/dist /usr/share/nginx/html
  EOT
  tags = ["ghcr.io/acme/docs:latest"] # pushed, not pulled
}
