-- Headless Neovim (0.7+) as an LSP client of `dehub lsp`, for tests/test_lsp_neovim.py.
-- Environment: DEHUB_NVIM_CMD (JSON list: the server command), DEHUB_NVIM_ROOT (the workspace),
-- DEHUB_NVIM_FILES (JSON list of files to open), DEHUB_NVIM_OUT (where to write the result).
-- Uses vim.lsp.start_client + buf_attach_client, which exist since 0.5 (vim.lsp.start is 0.8+).
local cmd = vim.fn.json_decode(os.getenv("DEHUB_NVIM_CMD"))
local root = os.getenv("DEHUB_NVIM_ROOT")
local files = vim.fn.json_decode(os.getenv("DEHUB_NVIM_FILES"))
local out = os.getenv("DEHUB_NVIM_OUT")

local client_id = vim.lsp.start_client({
  name = "dehub",
  cmd = cmd,
  root_dir = root,
  init_options = { debounce = 0.02 },
})

local buffers = {}
for _, file in ipairs(files) do
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buffer, client_id)
  table.insert(buffers, buffer)
end

local function dehub_diagnostics(buffer)
  local found = {}
  for _, item in ipairs(vim.diagnostic.get(buffer)) do
    if item.source == "dehub" then
      table.insert(found, item)
    end
  end
  return found
end

local ready = vim.wait(30000, function()
  for _, buffer in ipairs(buffers) do
    if #dehub_diagnostics(buffer) == 0 then
      return false
    end
  end
  return true
end, 20)

local result = { ready = ready, files = {} }
for index, buffer in ipairs(buffers) do
  local items = {}
  for _, item in ipairs(dehub_diagnostics(buffer)) do
    table.insert(items, {
      lnum = item.lnum,
      col = item.col,
      end_lnum = item.end_lnum,
      end_col = item.end_col,
      severity = item.severity,
      code = item.code or (item.user_data and item.user_data.lsp and item.user_data.lsp.code),
      message = item.message,
      source = item.source,
    })
  end
  table.insert(result.files, { path = files[index], diagnostics = items })
end

-- Fix all in the first buffer, as `:lua vim.lsp.buf.code_action({context = {only = {"source.fixAll"}}})`
-- would, then apply the edit with Neovim's own workspace-edit code.
local first = buffers[1]
local client = vim.lsp.get_client_by_id(client_id)
local params = {
  textDocument = { uri = vim.uri_from_bufnr(first) },
  range = { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } },
  context = { diagnostics = {}, only = { "source.fixAll" } },
}
local answers = vim.lsp.buf_request_sync(first, "textDocument/codeAction", params, 10000) or {}
local actions = (answers[client_id] or {}).result or {}
result.fix_all_titles = {}
for _, action in ipairs(actions) do
  table.insert(result.fix_all_titles, action.title)
  if action.edit == nil and action.data ~= nil then
    local resolved = client.request_sync("codeAction/resolve", action, 10000, first)
    action = resolved and resolved.result or action
  end
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
  end
end
result.fixed_first = table.concat(vim.api.nvim_buf_get_lines(first, 0, -1, true), "\n") .. "\n"

local handle = io.open(out, "w")
handle:write(vim.fn.json_encode(result))
handle:close()

vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
vim.cmd("qall!")
