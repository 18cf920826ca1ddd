FROM public.ecr.aws/docker/library/debian:bookworm-slim
ARG TOOLS_IMAGE
COPY --from=hashicorp/terraform:1.9 /bin/terraform /usr/local/bin/terraform
RUN apt-get update && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*
