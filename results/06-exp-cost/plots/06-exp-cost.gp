# actbench figure "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU": 3 panels
#   panel 1: "cost of f and f' per element, median of repeats"
#   panel 2: "a whole training step over relu's, SLEEF's vector maths"
#   panel 3: "a whole training step over relu's, glibc's scalar maths"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/06-exp-cost.gp
# (writes plots/06-exp-cost.png)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "ns per element (f + f'), math=libc"
$d1 << EOD
1 0.339853287
2 0.245632172
3 3.37902737
4 17.9285841
5 11.7705517
6 16.9713173
7 22.9033937
8 3.95527744
9 19.8389845
10 14.8434982
11 36.6589661
EOD
# panel 1, "ns per element (f + f'), math=sleef"
$d2 << EOD
1 0.349642754
2 0.220312119
3 0.596086502
4 1.49779701
5 1.8148613
6 2.83454418
7 1.92039013
8 0.780421257
9 1.76067829
10 1.56343079
11 3.44513035
EOD
# panel 2, "relu"
$d3 << EOD
64 1
256 1
1024 1
EOD
# panel 2, "leaky_relu"
$d4 << EOD
64 0.995880768
256 0.993454923
1024 1.03230555
EOD
# panel 2, "sigmoid"
$d5 << EOD
64 1.06944323
256 1.01097808
1024 1.02050255
EOD
# panel 2, "tanh"
$d6 << EOD
64 1.22893224
256 1.07627746
1024 1.04105262
EOD
# panel 2, "elu"
$d7 << EOD
64 1.28100616
256 1.09144281
1024 1.04854655
EOD
# panel 2, "gelu"
$d8 << EOD
64 1.47996885
256 1.16118292
1024 1.05466438
EOD
# panel 2, "gelu_tanh"
$d9 << EOD
64 1.31367147
256 1.08159861
1024 1.03108838
EOD
# panel 2, "silu"
$d10 << EOD
64 1.08119261
256 1.02934735
1024 1.01988445
EOD
# panel 2, "softplus"
$d11 << EOD
64 1.28158223
256 1.09387824
1024 1.03742919
EOD
# panel 2, "selu"
$d12 << EOD
64 1.29852926
256 1.09541566
1024 1.00666199
EOD
# panel 2, "mish"
$d13 << EOD
64 1.54265248
256 1.17792471
1024 1.04278653
EOD
# panel 3, "relu"
$d14 << EOD
64 1
256 1
1024 1
EOD
# panel 3, "leaky_relu"
$d15 << EOD
64 1.01740819
256 1.00837176
1024 1.01539566
EOD
# panel 3, "sigmoid"
$d16 << EOD
64 1.48417967
256 1.18619841
1024 1.07574549
EOD
# panel 3, "tanh"
$d17 << EOD
64 3.17563013
256 1.72212303
1024 1.14904466
EOD
# panel 3, "elu"
$d18 << EOD
64 2.80479723
256 1.63429727
1024 1.13791569
EOD
# panel 3, "gelu"
$d19 << EOD
64 2.2232978
256 1.42777556
1024 1.08600791
EOD
# panel 3, "gelu_tanh"
$d20 << EOD
64 2.84245905
256 1.79463259
1024 1.1594569
EOD
# panel 3, "silu"
$d21 << EOD
64 1.51394811
256 1.21281015
1024 1.01836543
EOD
# panel 3, "softplus"
$d22 << EOD
64 3.49703945
256 1.96003594
1024 1.17532878
EOD
# panel 3, "selu"
$d23 << EOD
64 3.10113
256 1.76176201
1024 1.12185396
EOD
# panel 3, "mish"
$d24 << EOD
64 6.30084267
256 2.71624219
1024 1.37089546
EOD

set terminal pngcairo size 1280,1140 enhanced font "sans,10"
set output 'plots/06-exp-cost.png'
set multiplot layout 2,2 title "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU" noenhanced font ",12"

# ---- panel 1: "cost of f and f' per element, median of repeats"
set title "cost of f and f' per element, median of repeats" noenhanced
set xlabel "activation" noenhanced
set ylabel "ns per element (f + f')" noenhanced
set grid
unset label
set bmargin 11.56
set xtics rotate by 90 right noenhanced ("relu" 1, "leaky_relu" 2, "sigmoid" 3, "tanh" 4, "elu" 5, "gelu" 6, "gelu_tanh" 7, "silu" 8, "softplus" 9, "selu" 10, "mish" 11)
set xrange [0.5:11.5]
set offsets 0, 0, 0, 0
unset logscale x
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:2 with points lc rgb "#1f77b4" pt 7 ps 1.2 title "ns per element (f + f'), math=libc" noenhanced, \
     $d2 using 1:2 with points lc rgb "#ff7f0e" pt 5 ps 1.2 title "ns per element (f + f'), math=sleef" noenhanced

# ---- panel 2: "a whole training step over relu's, SLEEF's vector maths"
set title "a whole training step over relu's, SLEEF's vector maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 11.56
set xtics norotate autojustify enhanced
set autoscale x
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d7 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d9 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d10 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d11 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d12 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d13 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

# ---- panel 3: "a whole training step over relu's, glibc's scalar maths"
set title "a whole training step over relu's, glibc's scalar maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 7.10
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d14 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d15 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d16 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d17 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d18 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d19 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d20 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d21 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d22 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d23 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d24 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

unset multiplot
unset output
