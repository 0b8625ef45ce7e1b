#include "parser/gumbo_arena.h"

#include <cstdlib>
#include <new>

namespace newscrawl::dom {
namespace {

// The header in front of every block: its size class, or kLarge for a malloc'd block.
constexpr int kLarge = -1;

struct Header {
  int size_class;
};

int SizeClassOf(size_t size) {
  int size_class = 0;
  size_t capacity = 16;
  while (capacity < size) {
    capacity <<= 1;
    ++size_class;
  }
  return size_class;
}

}  // namespace

GumboArena::~GumboArena() {
  for (void* block : large_blocks_) std::free(block);
}

void* GumboArena::Allocate(void* arena, size_t size) noexcept {
  try {
    return static_cast<GumboArena*>(arena)->AllocateBlock(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void GumboArena::Deallocate(void* arena, void* block) noexcept {
  if (block != nullptr) static_cast<GumboArena*>(arena)->FreeBlock(block);
}

void* GumboArena::AllocateBlock(size_t size) {
  if (size > kMaxPooledBytes) {
    void* raw = std::malloc(kHeaderBytes + size);
    if (raw == nullptr) throw std::bad_alloc();
    static_cast<Header*>(raw)->size_class = kLarge;
    large_blocks_.insert(raw);
    reserved_bytes_ += kHeaderBytes + size;
    return static_cast<char*>(raw) + kHeaderBytes;
  }
  const int size_class = SizeClassOf(size);
  if (void* block = free_lists_[size_class]) {
    free_lists_[size_class] = *static_cast<void**>(block);
    return block;
  }
  const size_t bytes = kHeaderBytes + (size_t{16} << size_class);
  if (chunk_left_ < bytes) {
    chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    chunk_next_ = chunks_.back().get();
    chunk_left_ = kChunkBytes;
    reserved_bytes_ += kChunkBytes;
  }
  char* raw = chunk_next_;
  chunk_next_ += bytes;
  chunk_left_ -= bytes;
  reinterpret_cast<Header*>(raw)->size_class = size_class;
  return raw + kHeaderBytes;
}

void GumboArena::FreeBlock(void* block) {
  char* raw = static_cast<char*>(block) - kHeaderBytes;
  const int size_class = reinterpret_cast<Header*>(raw)->size_class;
  if (size_class == kLarge) {
    large_blocks_.erase(raw);
    std::free(raw);
    return;
  }
  *static_cast<void**>(block) = free_lists_[size_class];
  free_lists_[size_class] = block;
}

}  // namespace newscrawl::dom
