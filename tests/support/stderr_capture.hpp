#pragma once
// Captures what this process writes to stderr (the structured log lines) while alive.
#include <unistd.h>

#include <cstdio>
#include <string>

namespace skill::test {

class StderrCapture {
  public:
    StderrCapture() : file_(std::tmpfile()), saved_(::dup(2)) {
        std::fflush(stderr);
        ::dup2(::fileno(file_), 2);
    }
    ~StderrCapture() { restore(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    /// Everything written so far.
    std::string text() const {
        std::fflush(stderr);
        std::string out;
        char buf[4096];
        std::rewind(file_);
        while (auto n = std::fread(buf, 1, sizeof buf, file_)) out.append(buf, n);
        return out;
    }

  private:
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        saved_ = -1;
        std::fclose(file_);
    }
    std::FILE* file_;
    int saved_;
};

}  // namespace skill::test
